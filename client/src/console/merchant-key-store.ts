/**
 * Where the console keeps the merchant key it signed in with: sessionStorage
 * only, so it goes when the tab closes and is never shared with other tabs or
 * written to disk the way localStorage is. A key is a password; the console
 * forgets it on sign-out.
 */

const STORAGE_KEY = 'tidings:console-merchant-key';

/** The documented shape (server/config.ts): `tdk_`, printable ASCII, no spaces, at least 24 characters. */
const KEY_SHAPE = /^tdk_[\x21-\x7e]{20,}$/;

export type KeyStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export interface MerchantKeyStore {
  read(): string | null;
  save(key: string): void;
  clear(): void;
}

/** `storage` is absent or throws when the browser refuses storage (some private modes): the key then lasts for this page only. */
export function createMerchantKeyStore(storage: KeyStorage | undefined): MerchantKeyStore {
  let memory: string | null = null;
  return {
    read() {
      try {
        const stored = storage?.getItem(STORAGE_KEY) ?? memory;
        return stored !== null && isMerchantKeyShaped(stored) ? stored : null;
      } catch {
        return memory;
      }
    },
    save(key) {
      memory = key;
      try {
        storage?.setItem(STORAGE_KEY, key);
      } catch {
        // Kept in memory only.
      }
    },
    clear() {
      memory = null;
      try {
        storage?.removeItem(STORAGE_KEY);
      } catch {
        // Nothing stored to remove.
      }
    },
  };
}

/** A pasted key, trimmed of the spaces and line breaks a copy picks up. */
export function normalizePastedKey(text: string): string {
  return text.trim();
}

export function isMerchantKeyShaped(key: string): boolean {
  return KEY_SHAPE.test(key);
}
