import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en.js';
import { zhCN } from '../i18n/zh-CN.js';
import { DIGEST_WINDOWS, digestPreviewOf, digestStatusOf, summaryTitleOf, windowInWords } from './digest-preview.js';

const draft = { on: true, key: 'price-drop', windowSeconds: 900, title: '' };

describe('windowInWords', () => {
  it('says each offered window in hours or minutes', () => {
    expect(DIGEST_WINDOWS.map((seconds) => windowInWords(seconds, en.console.duration))).toEqual([
      '5 minutes',
      '15 minutes',
      '1 hour',
      '6 hours',
      '24 hours',
    ]);
  });

  it('falls back to minutes, then seconds, for a window set through the API', () => {
    expect(windowInWords(90 * 60, en.console.duration)).toBe('90 minutes');
    expect(windowInWords(61, en.console.duration)).toBe('61 seconds');
    expect(windowInWords(3600, zhCN.console.duration)).toBe('1 小时');
  });
});

describe('summaryTitleOf', () => {
  it('fills in every {count} of the merchant’s title, or uses the service worker’s wording', () => {
    expect(summaryTitleOf(' {count} items dropped in price ', 5, en.notifications.digestTitle)).toBe('5 items dropped in price');
    expect(summaryTitleOf('{count}/{count}', 2, en.notifications.digestTitle)).toBe('2/2');
    expect(summaryTitleOf('  ', 5, en.notifications.digestTitle)).toBe('5 new messages');
  });
});

describe('digestPreviewOf', () => {
  it('says what the shopper gets, with a sample count in the title', () => {
    expect(digestPreviewOf({ ...draft, title: '{count} items dropped in price' }, en)).toBe(
      'Shoppers get every message in their inbox at once; pushes with key “price-drop” within 15 minutes become one notification: “5 items dropped in price”',
    );
    expect(digestPreviewOf({ ...draft, windowSeconds: 3600 }, zhCN)).toBe('顾客的收件箱会立即收到每条消息；1 小时内键为“price-drop”的推送会合并为一条通知：“5 条新消息”');
  });

  it('says nothing until there is a key', () => {
    expect(digestPreviewOf({ ...draft, key: '  ' }, en)).toBeUndefined();
  });
});

describe('digestStatusOf', () => {
  it('names the key, the window and how many pushes were folded', () => {
    expect(digestStatusOf({ key: 'price-drop', windowSeconds: 900, digested: 4 }, en.console)).toBe(
      'Grouped by “price-drop” within 15 minutes · 4 pushes folded into a summary',
    );
    expect(digestStatusOf({ key: 'k', windowSeconds: 3600, digested: 1 }, en.console)).toBe('Grouped by “k” within 1 hour · 1 push folded into a summary');
    expect(digestStatusOf({ key: 'k', windowSeconds: 300, digested: 0 }, zhCN.console)).toBe('按“k”合并 5 分钟内的推送 · 0 条推送已并入摘要');
  });
});
