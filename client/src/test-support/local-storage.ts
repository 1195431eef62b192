import { vi } from 'vitest';

/** A localStorage for a test, as a Map it can look into; undo with `vi.unstubAllGlobals()`. */
export function stubLocalStorage(): Map<string, string> {
  const storage = new Map<string, string>();
  vi.stubGlobal('localStorage', {
    getItem: (key: string) => storage.get(key) ?? null,
    setItem: (key: string, value: string) => void storage.set(key, value),
    removeItem: (key: string) => void storage.delete(key),
  });
  return storage;
}
