import { describe, expect, it } from 'vitest';
import { en } from './en.js';
import { applyLocale, currentLocale, LOCALES, matchLocale, t } from './i18n.js';
import { zhCN } from './zh-CN.js';

/** Every key path of a strings object. */
function paths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, inner]) => paths(inner, `${prefix}.${key}`));
}

describe('i18n', () => {
  it('follows the browser: Simplified Chinese for zh, zh-CN and zh-Hans; English otherwise', () => {
    expect(matchLocale(['zh-CN', 'en'])).toBe('zh-CN');
    expect(matchLocale(['zh'])).toBe('zh-CN');
    expect(matchLocale(['zh-Hans-SG'])).toBe('zh-CN');
    expect(matchLocale(['zh-TW'])).toBe('en');
    expect(matchLocale(['fr-FR', 'zh-CN'])).toBe('zh-CN');
    expect(matchLocale(['en-GB', 'zh-CN'])).toBe('en');
    expect(matchLocale([])).toBe('en');
  });

  it('has every English key in Chinese, and translated', () => {
    expect(paths(zhCN).sort()).toEqual(paths(en).sort());
    expect(zhCN.inbox.title).not.toBe(en.inbox.title);
    expect(Object.keys(LOCALES)).toEqual(['en', 'zh-CN']);
  });

  it('switches `t` live, without a reload, and back to the browser’s language on null', () => {
    applyLocale('zh-CN');
    expect(currentLocale()).toBe('zh-CN');
    expect(t.inbox.title).toBe(zhCN.inbox.title);
    expect(t.inbox.unreadCount(3)).toBe(zhCN.inbox.unreadCount(3));
    applyLocale('en');
    expect(t.inbox.title).toBe(en.inbox.title);
    // Node's navigator offers no Chinese: the browser's language is English here.
    applyLocale('zh-CN');
    applyLocale(null);
    expect(currentLocale()).toBe('en');
    expect(t.locale).toBe(en.locale);
  });
});
