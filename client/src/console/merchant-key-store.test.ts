import { describe, expect, it } from 'vitest';
import { createMerchantKeyStore, isMerchantKeyShaped, normalizePastedKey, type KeyStorage } from './merchant-key-store.js';

const KEY = 'tdk_demo-0123456789abcdefghij';

function memoryStorage(): KeyStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (name) => items.get(name) ?? null,
    setItem: (name, value) => void items.set(name, value),
    removeItem: (name) => void items.delete(name),
  };
}

const refusing: KeyStorage = {
  getItem: () => {
    throw new Error('SecurityError');
  },
  setItem: () => {
    throw new Error('QuotaExceededError');
  },
  removeItem: () => {
    throw new Error('SecurityError');
  },
};

describe('the console’s merchant key store', () => {
  it('keeps a saved key, reads it back in a new store on the same storage, and forgets it on clear', () => {
    const storage = memoryStorage();
    createMerchantKeyStore(storage).save(KEY);
    expect(createMerchantKeyStore(storage).read()).toBe(KEY);
    createMerchantKeyStore(storage).clear();
    expect(createMerchantKeyStore(storage).read()).toBeNull();
    expect(storage.items.size).toBe(0);
  });

  it('ignores a stored value that is not shaped like a key', () => {
    const storage = memoryStorage();
    storage.items.set('tidings:console-merchant-key', 'not a key');
    expect(createMerchantKeyStore(storage).read()).toBeNull();
  });

  it('keeps the key for the page only when storage refuses, and still forgets it', () => {
    const store = createMerchantKeyStore(refusing);
    store.save(KEY);
    expect(store.read()).toBe(KEY);
    store.clear();
    expect(store.read()).toBeNull();
  });

  it('works without any storage', () => {
    const store = createMerchantKeyStore(undefined);
    expect(store.read()).toBeNull();
    store.save(KEY);
    expect(store.read()).toBe(KEY);
  });
});

describe('a pasted key', () => {
  it('is trimmed of surrounding spaces and line breaks', () => {
    expect(normalizePastedKey(`  ${KEY}\n`)).toBe(KEY);
  });

  it.each([
    [KEY, true],
    ['tdk_short', false],
    [`Bearer ${KEY}`, false],
    [`tdk_with space-0123456789abcdef`, false],
    [`TDK_0123456789abcdefghijklmn`, false],
    ['', false],
  ])('%j is key-shaped: %s', (key, shaped) => {
    expect(isMerchantKeyShaped(key)).toBe(shaped);
  });
});
