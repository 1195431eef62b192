import type { Strings } from './strings.js';
import { LOCALES, matchLocale, type Locale } from './locales.js';

export { LOCALES, LOCALE_NAMES, matchLocale, type Locale } from './locales.js';

/**
 * The locale layer: every string the app shows comes from `t`. The locale
 * is the shopper's choice if they made one (kept in localStorage), else the
 * browser's language. It is fixed for the page's life: switching stores the
 * choice and reloads, which keeps every module (formatters included) simple
 * and consistent, for a choice made once.
 */

const STORAGE_KEY = 'tidings:locale';

function storedChoice(): Locale | null {
  try {
    const value = globalThis.localStorage?.getItem(STORAGE_KEY);
    return value !== null && value !== undefined && value in LOCALES ? (value as Locale) : null;
  } catch {
    return null;
  }
}

function browserLanguages(): readonly string[] {
  const nav = (globalThis as { navigator?: Navigator }).navigator;
  return nav?.languages?.length ? nav.languages : nav?.language ? [nav.language] : [];
}

export const locale: Locale = storedChoice() ?? matchLocale(browserLanguages());
export const t: Strings = LOCALES[locale];

/** Persists the choice and reloads into it. */
export function switchLocale(next: Locale): void {
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Private mode without storage: the switch lasts for this load only.
  }
  location.reload();
}
