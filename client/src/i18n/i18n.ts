import { createSubscriber } from 'svelte/reactivity';
import type { Strings } from './strings.js';
import { LOCALES, matchLocale, type Locale } from './locales.js';

export { LOCALES, LOCALE_NAMES, matchLocale, type Locale } from './locales.js';

/**
 * The locale layer: every string the app shows comes from `t`. The locale is
 * the shopper's choice if they made one (a synced preference, see
 * preferences/appearance.ts), else the browser's language. It changes live:
 * `t` reads the current locale's strings on every access, and a read inside
 * a component's template or `$derived` subscribes to the switch, so choosing
 * a language re-renders what is on screen without a reload and without any
 * component importing more than `t`.
 */

/**
 * This device's copy of the choice, read before anything else loads so the
 * first paint is already in the right language; public/appearance-boot.js
 * reads the same key to set `<html lang>` before the first paint.
 */
export const LOCALE_STORAGE_KEY = 'tidings:locale';

function storedChoice(): Locale | null {
  try {
    const value = globalThis.localStorage?.getItem(LOCALE_STORAGE_KEY);
    return value !== null && value !== undefined && value in LOCALES ? (value as Locale) : null;
  } catch {
    return null;
  }
}

function browserLanguages(): readonly string[] {
  const nav = (globalThis as { navigator?: Navigator }).navigator;
  return nav?.languages?.length ? nav.languages : nav?.language ? [nav.language] : [];
}

let current: Locale = storedChoice() ?? matchLocale(browserLanguages());
let changed = (): void => undefined;
const track = createSubscriber((update) => {
  changed = update;
  return () => (changed = () => undefined);
});

/** The locale in force; reactive in components. */
export function currentLocale(): Locale {
  track();
  return current;
}

/** The strings of the locale in force, read through on every access. */
export const t: Strings = new Proxy(LOCALES.en as Strings, {
  get(_en, key) {
    track();
    return Reflect.get(LOCALES[current], key);
  },
});

/**
 * Switches the app to the shopper's choice (null: the browser's language),
 * keeps it on this device for the next load, and labels the document for
 * screen readers and font selection.
 */
export function applyLocale(choice: Locale | null): void {
  try {
    if (choice === null) localStorage.removeItem(LOCALE_STORAGE_KEY);
    else localStorage.setItem(LOCALE_STORAGE_KEY, choice);
  } catch {
    // Private mode without storage: the choice lasts for this load, and the synced preference brings it back.
  }
  const next = choice ?? matchLocale(browserLanguages());
  if (typeof document !== 'undefined') document.documentElement.lang = next;
  if (next === current) return;
  current = next;
  changed();
}
