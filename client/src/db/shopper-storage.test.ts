import { describe, expect, it } from 'vitest';
import { LOCALE_STORAGE_KEY } from '../i18n/i18n.js';
import { THEME_STORAGE_KEY } from '../preferences/theme.js';
import { SHOPPER_STORAGE_KEYS } from './shopper-storage.js';

/** Keys that stay when the shopper goes, and why. */
const KEPT: Record<string, string> = {
  [THEME_STORAGE_KEY]: "the device's theme, read before the first paint",
  [LOCALE_STORAGE_KEY]: "the device's language, read before the first paint",
  'tidings:console-merchant-key': "the merchant console's, in sessionStorage, gone with the tab",
};

/** Every source of the app (tests left out), as text. */
const SOURCES: Record<string, string> = import.meta.glob(['../**/*.ts', '../**/*.svelte', '!../**/*.test.ts'], {
  query: '?raw',
  import: 'default',
  eager: true,
});

describe('what the app keeps in web storage', () => {
  it("is either the shopper's, forgotten with their inbox, or kept on purpose", () => {
    const used = new Set<string>();
    for (const text of Object.values(SOURCES)) {
      if (!/localStorage|sessionStorage/.test(text)) continue;
      for (const [, key] of text.matchAll(/'(tidings:[\w-]+)'/g)) used.add(key!);
    }
    const shoppers = Object.values(SHOPPER_STORAGE_KEYS) as string[];
    expect([...used].filter((key) => !shoppers.includes(key) && !(key in KEPT))).toEqual([]);
    expect(used).toContain(THEME_STORAGE_KEY);
    expect(used).toContain(SHOPPER_STORAGE_KEYS.inboxOrdering);
  });
});
