/**
 * What this device keeps of the signed-in shopper outside IndexedDB: the
 * localStorage keys that are about the shopper rather than the device. They
 * go with the inbox (meta.repository.ts), on sign-out and when another
 * shopper's sign-in wipes it, as the smart inbox's learned state and its
 * Suggest-mutes switch (the `meta` row `smartInbox`) do.
 *
 * The theme's and the language's copies (`tidings:theme`, `tidings:locale`)
 * stay: they are the device's, read before the first paint so the sign-in
 * screen does not flash, and they only mirror synced preferences, which the
 * next shopper's first sync replaces with their own.
 */
export const SHOPPER_STORAGE_KEYS = {
  /** The inbox ordering chosen here (inbox/ordering-choice.ts): "Smart" is what this shopper taught. */
  inboxOrdering: 'tidings:inbox-ordering',
  /** The names of the senders this shopper muted (preferences/sender-names.ts): whom they muted. */
  senderNames: 'tidings:sender-names',
} as const;

export function forgetShopperStorage(): void {
  for (const key of Object.values(SHOPPER_STORAGE_KEYS)) {
    try {
      // Through a narrow type: the service worker (which has no localStorage) compiles this module too.
      (globalThis as { localStorage?: { removeItem(key: string): void } }).localStorage?.removeItem(key);
    } catch {
      // Storage refused (private mode): nothing could have been kept there either.
    }
  }
}
