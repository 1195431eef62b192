import type { LocaleTag } from '../../../shared/preferences.schema.js';
import { en } from './en.js';
import type { Strings } from './strings.js';
import { zhCN } from './zh-CN.js';

/** The locales the app ships, and how a browser's languages pick one. Pure: the service worker uses it too. */
export const LOCALES = { en, 'zh-CN': zhCN } as const satisfies Record<LocaleTag, Strings>;
export type Locale = keyof typeof LOCALES;
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', 'zh-CN': '简体中文' };

/** Best match for a list of BCP 47 tags: any Chinese but Traditional-script tags → zh-CN, else English. */
export function matchLocale(languages: readonly string[]): Locale {
  for (const tag of languages) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('zh')) return /hant|-tw|-hk|-mo/.test(lower) ? 'en' : 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}
