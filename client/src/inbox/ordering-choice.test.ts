import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_ORDERING, ORDERING_STORAGE_KEY, rememberOrdering, savedOrdering } from './ordering-choice.js';

let storage: Map<string, string>;

beforeEach(() => {
  storage = new Map();
  vi.stubGlobal('localStorage', { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => storage.set(k, v) });
});
afterEach(() => vi.unstubAllGlobals());

describe('the inbox ordering kept on the device', () => {
  it('is the default until one is chosen, then the one chosen last', () => {
    expect(savedOrdering()).toBe(DEFAULT_ORDERING);
    rememberOrdering('smart');
    expect(savedOrdering()).toBe('smart');
    rememberOrdering('newest');
    expect(savedOrdering()).toBe('newest');
  });

  it('reads anything stored that is not an ordering as the default', () => {
    for (const stored of ['', 'Smart', 'relevance', '{"ordering":"smart"}']) {
      storage.set(ORDERING_STORAGE_KEY, stored);
      expect(savedOrdering()).toBe(DEFAULT_ORDERING);
    }
  });

  it('holds the choice for the page when storage is refused', () => {
    vi.stubGlobal('localStorage', {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    });
    expect(() => rememberOrdering('smart')).not.toThrow();
    expect(savedOrdering()).toBe(DEFAULT_ORDERING);
  });
});
