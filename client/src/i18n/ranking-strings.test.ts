import { describe, expect, it } from 'vitest';
import { createRanker, type Message } from '../../../shared/inbox/ranking.js';
import { createSuggester } from '../../../shared/inbox/suggestions.js';
import { DEFAULT_PREFERENCES } from '../../../shared/preferences.schema.js';
import { en, type RankingValues } from './en.js';
import { zhCN } from './zh-CN.js';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 2, 10, 19);
const CATEGORIES = ['order', 'payment', 'shipping', 'promotion', 'account', 'review', 'chat'];

let counter = 0;
const message = (category: string, priority: number, sender?: string): Message => ({
  id: `m${++counter}`,
  type: sender ? 'user' : 'system',
  category,
  priority,
  title: 't',
  createdAt: new Date(NOW - HOUR).toISOString(),
  ...(sender ? { sender: { id: sender, name: `Shop ${sender}` } } : {}),
});

/** Every explanation key a ranker gives, after opening some categories and senders and skipping others. */
function keysInUse(): { key: string; values?: RankingValues }[] {
  const ranker = createRanker();
  for (let day = 30; day > 0; day--) {
    CATEGORIES.forEach((category, i) => {
      const now = NOW - day * 24 * HOUR;
      // Categories by turns opened and skipped; across all of them, s1 always opened and s2 always skipped.
      ranker.learn(message(category, 1 + (i % 5)), i % 2 ? 'opened' : 'dismissed', now);
      ranker.learn(message(category, 3, 's1'), 'opened', now);
      ranker.learn(message(category, 3, 's2'), 'dismissed', now);
    });
  }
  const reasons = [createRanker().explain(message('chat', 3), NOW)];
  for (const category of CATEGORIES) for (let priority = 1; priority <= 5; priority++) {
    reasons.push(ranker.explain(message(category, priority), NOW), ranker.explain(message(category, priority, 's1'), NOW), ranker.explain(message(category, priority, 's2'), NOW));
  }
  const suggester = createSuggester();
  for (let i = 0; i < 20; i++) suggester.record(message('promotion', 2, 's9'), 'dismissed', NOW);
  const suggestions = [];
  for (let step = 0; step < 3; step++) {
    const next = suggester.next(DEFAULT_PREFERENCES, NOW + step * 4 * 24 * HOUR);
    if (next) {
      suggestions.push({ key: next.key, values: next.values });
      suggester.decline(next, NOW);
    }
  }
  return [...reasons.flat(), ...suggestions];
}

describe('smart inbox strings', () => {
  it('has every key the ranker and the suggester give, in English and Chinese, filled with their values', () => {
    const used = keysInUse();
    const distinct = new Set(used.map((reason) => reason.key));
    // The fixture reaches the interesting reasons, not only the defaults.
    for (const key of ['ranking.opensCategory', 'ranking.skipsCategory', 'ranking.opensSender', 'ranking.urgent', 'ranking.suggestMuteCategory']) {
      expect(distinct).toContain(key);
    }
    for (const { key, values } of used) {
      expect(key.startsWith('ranking.')).toBe(true);
      const name = key.slice('ranking.'.length) as keyof typeof en.ranking;
      for (const strings of [en, zhCN]) {
        const text = strings.ranking[name]?.(values ?? {});
        expect(typeof text, `${key} in ${strings.locale}`).toBe('string');
        expect(text).not.toContain('undefined');
      }
    }
  });
});
