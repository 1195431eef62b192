import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en.js';
import { zhCN } from '../i18n/zh-CN.js';
import { rankingText } from './ranking-text.js';

describe('rankingText', () => {
  it('names the category as the inbox does, in each language', () => {
    const reason = { key: 'ranking.opensCategory', values: { category: 'promotion' } };
    expect(rankingText(en, reason)).toBe('You usually open Offer updates');
    expect(rankingText(zhCN, reason)).toContain(zhCN.inbox.category.promotion);
  });

  it('keeps a category it has no name for as it came', () => {
    expect(rankingText(en, { key: 'ranking.skipsCategory', values: { category: 'raffle' } })).toBe('You often skip raffle updates');
  });

  it('falls back to the plain reason for a key it does not know, never showing the key', () => {
    expect(rankingText(en, { key: 'ranking.somethingNew' })).toBe(en.ranking.priorityThenTime({}));
    expect(rankingText(en, { key: 'inbox.title' })).toBe(en.ranking.priorityThenTime({}));
  });
});
