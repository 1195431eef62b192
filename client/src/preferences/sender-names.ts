import { MAX_MUTED_SENDERS } from '../../../shared/preferences.schema.js';
import { SHOPPER_STORAGE_KEYS } from '../db/shopper-storage.js';

/**
 * Display names of the senders the shopper muted on this device, for the
 * settings list: preferences sync only ids (what the rule needs), and no
 * index finds a sender's messages by id. Kept in localStorage, bounded to as
 * many entries as there can be muted senders; a sender muted on another
 * device shows by id until muted or seen here. Only a nicety: losing it
 * loses names, never a preference. Forgotten with the shopper's inbox, as it
 * tells whom they muted (db/shopper-storage.ts).
 */

const STORAGE_KEY = SHOPPER_STORAGE_KEYS.senderNames;

function readAll(): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(globalThis.localStorage?.getItem(STORAGE_KEY) ?? '{}');
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}

export function senderName(id: string): string | undefined {
  const name = readAll()[id];
  return typeof name === 'string' ? name : undefined;
}

/** Remembers the newest name of a sender; the oldest entries go past the bound. */
export function rememberSenderName(sender: { id: string; name: string }): void {
  const names = readAll();
  delete names[sender.id];
  names[sender.id] = sender.name;
  const entries = Object.entries(names).slice(-MAX_MUTED_SENDERS);
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, JSON.stringify(Object.fromEntries(entries)));
  } catch {
    // Private mode or full storage: the list shows ids instead.
  }
}
