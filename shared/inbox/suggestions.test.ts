import { describe, expect, it } from 'vitest';
import { DEFAULT_PREFERENCES, preferencesSchema } from '../preferences.schema.js';
import type { Message, Outcome } from './ranking.js';
import { applySuggestion, createSuggester, DECLINED_SNOOZE_MS, SUGGESTION_INTERVAL_MS, wilsonLower, type Suggester } from './suggestions.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 2, 10, 12);
let counter = 0;
const message = (overrides: Partial<Message> = {}): Message => ({
  id: `m${++counter}`,
  type: 'system',
  category: 'promotion',
  priority: 3,
  title: 't',
  createdAt: new Date(NOW).toISOString(),
  ...overrides,
});

/** `skipped` of `total` dismissed (the rest opened), skips first. */
function feed(suggester: Suggester, total: number, skipped: number, overrides: Partial<Message> = {}, now = NOW): void {
  for (let i = 0; i < total; i++) suggester.record(message(overrides), (i < skipped ? 'dismissed' : 'opened') satisfies Outcome, now);
}

describe('mute suggestions', () => {
  it('suggests muting a category skipped 19 times of the last 20, written in the preferences shape', () => {
    const suggester = createSuggester();
    feed(suggester, 20, 19);
    const suggestion = suggester.next(DEFAULT_PREFERENCES, NOW);
    expect(suggestion).toMatchObject({ target: { kind: 'category', category: 'promotion' }, key: 'ranking.suggestMuteCategory', skipped: 19, of: 20 });
    const accepted = applySuggestion(DEFAULT_PREFERENCES, suggestion!);
    expect(preferencesSchema.parse(accepted)).toEqual({ ...DEFAULT_PREFERENCES, mutedCategories: ['promotion'] });
    expect(applySuggestion(accepted, suggestion!).mutedCategories).toEqual(['promotion']);
  });

  it('waits for enough evidence: fewer than 20, or 80% that the Wilson bound does not back', () => {
    const few = createSuggester();
    feed(few, 19, 19);
    expect(few.next(DEFAULT_PREFERENCES, NOW)).toBeUndefined();
    for (const skipped of [16, 17, 18]) {
      const suggester = createSuggester();
      feed(suggester, 20, skipped);
      expect(suggester.next(DEFAULT_PREFERENCES, NOW)).toBeUndefined();
    }
  });

  it('judges only the last 20: old skips followed by opens do not count', () => {
    const suggester = createSuggester();
    feed(suggester, 20, 20);
    feed(suggester, 10, 0);
    expect(suggester.next(DEFAULT_PREFERENCES, NOW)).toBeUndefined();
  });

  it('suggests muting a sender, and a higher notification floor for skipped low priorities', () => {
    const sender = createSuggester();
    feed(sender, 20, 20, { category: 'chat', type: 'user', sender: { id: 'seller-7', name: 'Shop 7' } });
    const byCount = sender.next({ ...DEFAULT_PREFERENCES, mutedCategories: ['chat'] }, NOW);
    expect(byCount).toMatchObject({ target: { kind: 'sender', senderId: 'seller-7' }, values: { sender: 'Shop 7' } });
    expect(applySuggestion(DEFAULT_PREFERENCES, byCount!).mutedSenders).toEqual(['seller-7']);

    const low = createSuggester();
    for (const category of ['promotion', 'review', 'chat', 'promotion']) feed(low, 5, 5, { category, priority: 2 });
    const floor = low.next({ ...DEFAULT_PREFERENCES, mutedCategories: ['promotion'] }, NOW);
    expect(floor).toMatchObject({ target: { kind: 'priority', priority: 2 }, values: { priority: 3 } });
    expect(applySuggestion(DEFAULT_PREFERENCES, floor!).minPushPriority).toBe(3);
  });

  it('never suggests silencing guarded messages: orders, payments, deliveries, account, high priority', () => {
    const suggester = createSuggester();
    for (const category of ['order', 'payment', 'shipping', 'account']) feed(suggester, 40, 40, { category });
    feed(suggester, 40, 40, { category: 'promotion', priority: 4 });
    expect(suggester.next(DEFAULT_PREFERENCES, NOW)).toBeUndefined();
  });

  it('does not suggest what the preferences already do', () => {
    const suggester = createSuggester();
    feed(suggester, 20, 20);
    expect(suggester.next({ ...DEFAULT_PREFERENCES, mutedCategories: ['promotion'] }, NOW)).toBeUndefined();
  });

  it('offers at most one suggestion every 3 days', () => {
    const suggester = createSuggester();
    feed(suggester, 20, 20, { category: 'promotion' });
    feed(suggester, 20, 20, { category: 'review' });
    expect(suggester.next(DEFAULT_PREFERENCES, NOW)).toBeDefined();
    expect(suggester.next(DEFAULT_PREFERENCES, NOW + SUGGESTION_INTERVAL_MS - 1)).toBeUndefined();
    expect(suggester.next(DEFAULT_PREFERENCES, NOW + SUGGESTION_INTERVAL_MS)).toBeDefined();
  });

  it('after a no, waits 30 days and for fresh evidence', () => {
    const suggester = createSuggester();
    feed(suggester, 20, 20);
    const first = suggester.next(DEFAULT_PREFERENCES, NOW)!;
    suggester.decline(first, NOW);
    expect(suggester.next(DEFAULT_PREFERENCES, NOW + 5 * DAY)).toBeUndefined();
    feed(suggester, 20, 20, {}, NOW + 10 * DAY);
    expect(suggester.next(DEFAULT_PREFERENCES, NOW + 10 * DAY)).toBeUndefined();
    expect(suggester.next(DEFAULT_PREFERENCES, NOW + DECLINED_SNOOZE_MS)).toMatchObject({ target: { category: 'promotion' } });
  });

  it('can be turned off, and stays off after a restore', () => {
    const suggester = createSuggester();
    feed(suggester, 20, 20);
    suggester.setEnabled(false);
    expect(suggester.next(DEFAULT_PREFERENCES, NOW)).toBeUndefined();
    const restored = createSuggester(JSON.parse(JSON.stringify(suggester.save())));
    expect(restored.enabled).toBe(false);
    restored.setEnabled(true);
    expect(restored.next(DEFAULT_PREFERENCES, NOW)).toMatchObject({ target: { category: 'promotion' } });
  });

  it('saves deterministically, bounded, and starts afresh on a state it cannot read', () => {
    const a = createSuggester();
    const b = createSuggester();
    for (let i = 0; i < 100; i++) {
      a.record(message({ category: `c${i}`, sender: { id: `s${i}`, name: `S${i}` } }), 'ignored', NOW + i);
      b.record(message({ category: `c${i}`, sender: { id: `s${i}`, name: `S${i}` } }), 'ignored', NOW + i);
    }
    expect(JSON.stringify(a.save())).toBe(JSON.stringify(b.save()));
    expect(a.save().windows.length).toBeLessThanOrEqual(64);
    for (const bad of [null, {}, { ...a.save(), format: 'x' }, { ...a.save(), windows: [{ target: 'category:x', outcomes: 'zz', name: 'x', at: 0 }] }]) {
      const fresh = createSuggester(bad);
      expect(fresh.enabled).toBe(true);
      expect(fresh.save().windows).toEqual([]);
    }
  });
});

describe('wilsonLower', () => {
  it('is the Wilson score bound: 19 of 20 clears 0.75, 18 of 20 does not', () => {
    expect(wilsonLower(19, 20)).toBeGreaterThan(0.75);
    expect(wilsonLower(18, 20)).toBeLessThan(0.75);
    expect(wilsonLower(0, 0)).toBe(0);
    expect(wilsonLower(20, 20)).toBeLessThan(1);
  });
});
