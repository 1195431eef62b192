import { INBOX_ORDERINGS, type InboxOrdering } from '../../../shared/inbox/ordering.js';
import { SHOPPER_STORAGE_KEYS } from '../db/shopper-storage.js';

/**
 * The inbox ordering chosen on this device, kept across reloads. Device-local
 * like the theme's boot copy and the muted senders' names (localStorage, not
 * the synced preferences): "Smart" orders by what this device learned, and a
 * phone and a laptop may well be read differently. Read synchronously, so the
 * first list drawn is already in the chosen order. It is the shopper's, not
 * the device's: forgotten with their inbox (db/shopper-storage.ts).
 */
export const ORDERING_STORAGE_KEY = SHOPPER_STORAGE_KEYS.inboxOrdering;

export const DEFAULT_ORDERING: InboxOrdering = 'priority';

/** The ordering last chosen here; the default when none was, or what is stored is not one this version knows. */
export function savedOrdering(): InboxOrdering {
  try {
    const stored = globalThis.localStorage?.getItem(ORDERING_STORAGE_KEY);
    return INBOX_ORDERINGS.find((ordering) => ordering === stored) ?? DEFAULT_ORDERING;
  } catch {
    return DEFAULT_ORDERING;
  }
}

export function rememberOrdering(ordering: InboxOrdering): void {
  try {
    globalThis.localStorage?.setItem(ORDERING_STORAGE_KEY, ordering);
  } catch {
    // Private mode or full storage: the choice holds until the page reloads.
  }
}
