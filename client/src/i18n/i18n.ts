import { en } from './en.js';
import type { Strings } from './strings.js';
import { zhCN } from './zh-CN.js';

/**
 * The locale layer: every string the app shows comes from `t`. The locale
 * is the shopper's choice if they made one (kept in localStorage), else the
 * browser's language. It is fixed for the page's life: switching stores the
 * choice and reloads, which keeps every module (formatters included) simple
 * and consistent, for a choice made once.
 */

export const LOCALES = { en, 'zh-CN': zhCN } as const satisfies Record<string, Strings>;
export type Locale = keyof typeof LOCALES;
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', 'zh-CN': '简体中文' };

const STORAGE_KEY = 'tidings:locale';

/** Best match for a list of BCP 47 tags: any Chinese but Traditional-script tags → zh-CN, else English. */
export function matchLocale(languages: readonly string[]): Locale {
  for (const tag of languages) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('zh')) return /hant|-tw|-hk|-mo/.test(lower) ? 'en' : 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

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
