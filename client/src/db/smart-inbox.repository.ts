import { db } from './db.js';

/**
 * The smart inbox's learned state on this device, one `meta` row: the
 * ranker's and the suggester's `save()` JSON and which messages already
 * taught something. It never leaves the device (no outbox, no sync), and it
 * goes with the inbox on sign-out or when another shopper signs in
 * (meta.repository.ts). Read as `unknown`: the ranker and the suggester
 * validate their own parts and start over from what they cannot read.
 */
export interface SmartInboxRow {
  ranker?: unknown;
  suggester?: unknown;
  taught?: unknown;
}

export async function readSmartInbox(): Promise<SmartInboxRow> {
  const row = await db.meta.get('smartInbox');
  const value = row?.value;
  return typeof value === 'object' && value !== null ? (value as SmartInboxRow) : {};
}

export async function writeSmartInbox(state: SmartInboxRow): Promise<void> {
  await db.meta.put({ key: 'smartInbox', value: state });
}
