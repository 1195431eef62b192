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

/** The state, and whose inbox it was read from: the `owner` row (undefined while the server has not named the shopper). */
export interface SavedSmartInbox {
  state: SmartInboxRow;
  owner: string | undefined;
}

export function readSmartInbox(): Promise<SavedSmartInbox> {
  return db.transaction('r', db.meta, async () => {
    const [row, owner] = await db.meta.bulkGet(['smartInbox', 'owner']);
    const value = row?.value;
    return {
      state: typeof value === 'object' && value !== null ? (value as SmartInboxRow) : {},
      owner: typeof owner?.value === 'string' ? owner.value : undefined,
    };
  });
}

/**
 * Writes what was learned for `learnedFor` (the owner `readSmartInbox` gave)
 * unless the inbox changed hands since: signed out, or wiped for another
 * shopper. A save that was waiting then (the last lesson's, the page being
 * hidden) must not hand one shopper's model to the next. An owner unknown
 * when read became whoever the server named, without a wipe: theirs.
 * Resolves to whether it was written.
 */
export function writeSmartInbox(state: SmartInboxRow, learnedFor: string | undefined): Promise<boolean> {
  return db.transaction('rw', db.meta, async () => {
    const [session, owner] = await db.meta.bulkGet(['session', 'owner']);
    if (session === undefined || (learnedFor !== undefined && owner?.value !== learnedFor)) return false;
    await db.meta.put({ key: 'smartInbox', value: state });
    return true;
  });
}
