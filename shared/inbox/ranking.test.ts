import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FIRST_SCREEN, isGuarded, keepFirstScreen } from './guarded.js';
import { compareForDisplay, rankOf } from './ordering.js';
import { createRanker, RANKER_STATE_FORMAT, rankByScore, SAVED_TABLE_BYTES, smartOrder, staticOrder, type Message, type Outcome, type Ranker } from './ranking.js';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 2, 10, 19, 30);
const CATEGORIES = ['order', 'payment', 'shipping', 'promotion', 'account', 'review', 'chat'];
const ZONES = ['UTC', 'Asia/Shanghai', 'America/New_York', 'Asia/Kolkata'];

let counter = 0;
function message(overrides: Partial<Message> = {}): Message {
  counter += 1;
  return {
    id: `m${String(counter).padStart(6, '0')}`,
    type: 'system',
    category: 'promotion',
    priority: 3,
    title: 'A message',
    createdAt: new Date(NOW - HOUR).toISOString(),
    ...overrides,
  };
}

const arbitraryMessage = fc
  .record({
    id: fc.string({ minLength: 1, maxLength: 6 }),
    category: fc.constantFrom(...CATEGORIES),
    priority: fc.integer({ min: 1, max: 5 }),
    hoursAgo: fc.integer({ min: 0, max: 24 * 90 }),
    read: fc.constantFrom<0 | 1>(0, 1),
    sender: fc.option(fc.constantFrom('s1', 's2', 's3'), { nil: undefined }),
    image: fc.boolean(),
    collapseKey: fc.option(fc.constantFrom('order:1', 'promo:summer', 'chat:s1'), { nil: undefined }),
  })
  .map(({ hoursAgo, sender, image, collapseKey, ...rest }): Message => ({
    ...rest,
    type: sender ? 'user' : 'system',
    title: 't',
    createdAt: new Date(NOW - hoursAgo * HOUR).toISOString(),
    ...(sender ? { sender: { id: sender, name: sender.toUpperCase() } } : {}),
    ...(image ? { image: '/i.png' } : {}),
    ...(collapseKey ? { collapseKey } : {}),
  }));
const inbox = fc.uniqueArray(arbitraryMessage, { selector: (m) => m.id, maxLength: 40 });

const staticRank = (m: Message) => rankOf({ priority: m.priority, createdAtMs: Date.parse(m.createdAt), read: m.read ?? 0 });
const rows = (m: Message) => ({ id: m.id, priority: m.priority, createdAtMs: Date.parse(m.createdAt), read: m.read ?? (0 as const) });

/** A shopper who opens shipping and dismisses promotions, over a few weeks. */
function trained(ranker: Ranker, days = 20): void {
  for (let day = 0; day < days; day++) {
    const now = NOW - (days - day) * 24 * HOUR;
    ranker.learn(message({ category: 'shipping', createdAt: new Date(now - HOUR).toISOString() }), 'opened', now);
    ranker.learn(message({ category: 'promotion', priority: 2, createdAt: new Date(now - HOUR).toISOString() }), 'dismissed', now);
    ranker.learn(message({ category: 'chat', type: 'user', sender: { id: 'seller-1', name: 'Ann’s shop' }, createdAt: new Date(now - HOUR).toISOString() }), 'opened', now);
    ranker.learn(message({ category: 'review', createdAt: new Date(now - HOUR).toISOString() }), 'ignored', now);
  }
}

describe('ranker before any learning', () => {
  it('scores every message exactly at its static rank, in any time zone', () => {
    fc.assert(
      fc.property(arbitraryMessage, fc.constantFrom(...ZONES), fc.integer({ min: 0, max: 1000 }), (m, timeZone, hoursLater) => {
        expect(createRanker(undefined, { timeZone }).score(m, NOW + hoursLater * HOUR)).toBe(staticRank(m));
      }),
    );
  });

  it('orders exactly like the static "priority then time" sort', () => {
    fc.assert(
      fc.property(inbox, (messages) => {
        const ranker = createRanker();
        const smart = rankByScore(ranker, messages, NOW).map((m) => m.id);
        expect(smartOrder(ranker, messages, NOW).map((m) => m.id)).toEqual(smart);
        const fixed = [...messages].map(rows).sort((a, b) => compareForDisplay(a, b, 'priority')).map((m) => m.id);
        expect(smart).toEqual(fixed);
        expect(staticOrder(messages).map((m) => m.id)).toEqual(fixed);
      }),
    );
  });

  it('explains itself as the static order', () => {
    expect(createRanker().explain(message({ priority: 3 }), NOW)).toEqual([{ key: 'ranking.priorityThenTime' }]);
    expect(createRanker().explain(message({ priority: 5 }), NOW)).toEqual([{ key: 'ranking.urgent' }]);
  });
});

describe('ranker learning', () => {
  it('lifts what the shopper opens above what they dismiss, and says why', () => {
    const ranker = createRanker();
    trained(ranker);
    const shipping = message({ category: 'shipping', createdAt: new Date(NOW - 3 * HOUR).toISOString() });
    const promotion = message({ category: 'promotion', createdAt: new Date(NOW - HOUR).toISOString() });
    expect(staticRank(promotion)).toBeGreaterThan(staticRank(shipping));
    expect(ranker.score(shipping, NOW)).toBeGreaterThan(ranker.score(promotion, NOW));
    expect(ranker.explain(shipping, NOW)).toContainEqual({ key: 'ranking.opensCategory', values: { category: 'shipping' } });
    expect(ranker.explain(promotion, NOW)).toContainEqual({ key: 'ranking.skipsCategory', values: { category: 'promotion' } });
    const chat = message({ category: 'chat', type: 'user', sender: { id: 'seller-1', name: 'Ann’s shop' } });
    expect(ranker.explain(chat, NOW).map((reason) => reason.key)).toContain('ranking.opensSender');
  });

  it('moves a category the shopper keeps opening up the smart order, step by step', () => {
    const ranker = createRanker();
    const shown = CATEGORIES.flatMap((category, i) => [
      message({ category, createdAt: new Date(NOW - (i + 1) * HOUR).toISOString() }),
      message({ category, priority: 2, createdAt: new Date(NOW - (i + 8) * HOUR).toISOString() }),
    ]);
    const review = shown.find((m) => m.category === 'review' && m.priority === 3)!;
    const positions = [smartOrder(ranker, shown, NOW).indexOf(review)];
    for (let round = 1; round <= 10; round++) {
      const at = NOW - (11 - round) * 24 * HOUR;
      ranker.learn(message({ category: 'review', createdAt: new Date(at - HOUR).toISOString() }), 'opened', at);
      ranker.learn(message({ category: 'chat', createdAt: new Date(at - HOUR).toISOString() }), 'dismissed', at);
      if (round % 5 === 0) positions.push(smartOrder(ranker, shown, NOW).indexOf(review));
    }
    expect(positions[0]).toBe(staticOrder(shown).indexOf(review));
    expect(positions[1]).toBeLessThan(positions[0]!);
    expect(positions[2]).toBe(0);
  });

  it('is deterministic: the same interactions give the same state and scores', () => {
    const a = createRanker(undefined, { timeZone: 'Asia/Shanghai' });
    const b = createRanker(undefined, { timeZone: 'Asia/Shanghai' });
    counter = 0;
    trained(a);
    counter = 0;
    trained(b);
    expect(JSON.stringify(a.save())).toBe(JSON.stringify(b.save()));
    const probe = message({ category: 'chat' });
    expect(a.score(probe, NOW)).toBe(b.score(probe, NOW));
  });

  it('saves to bounded JSON and restores to a ranker that scores and learns exactly alike', () => {
    const original = createRanker();
    trained(original);
    const json = JSON.stringify(original.save());
    expect(json.length).toBeLessThan(SAVED_TABLE_BYTES + 64 * 200);
    const restored = createRanker(JSON.parse(json));
    expect(JSON.stringify(restored.save())).toBe(json);
    fc.assert(
      fc.property(arbitraryMessage, (m) => {
        expect(restored.score(m, NOW)).toBe(original.score(m, NOW));
        expect(restored.explain(m, NOW)).toEqual(original.explain(m, NOW));
      }),
    );
    const next = message({ category: 'review' });
    original.learn(next, 'opened', NOW);
    restored.learn(next, 'opened', NOW);
    expect(JSON.stringify(restored.save())).toBe(JSON.stringify(original.save()));
  });

  it('keeps the saved size fixed however much it learns', () => {
    const ranker = createRanker();
    const empty = JSON.stringify(ranker.save()).length;
    trained(ranker, 60);
    const table = (ranker.save() as { table: string }).table;
    expect(table.length).toBe(SAVED_TABLE_BYTES);
    expect(JSON.stringify(ranker.save()).length).toBeLessThan(empty + 64 * 200);
  });

  it('starts over from the static order on a saved state it cannot read', () => {
    const good = createRanker();
    trained(good);
    const saved = good.save() as Record<string, unknown>;
    const bad: unknown[] = [
      null,
      42,
      'state',
      {},
      { ...saved, format: 'tidings-ranker/0' },
      { ...saved, tableBits: 10 },
      { ...saved, table: 'AAAA' },
      { ...saved, table: `${'!'.repeat(SAVED_TABLE_BYTES)}` },
      { ...saved, opens: [['c:shipping', 'yesterday']] },
      { ...saved, rates: [['c=shipping', 5, 1, NOW]] },
      { ...saved, rates: Array.from({ length: 257 }, (_, i) => [`c=${i}`, 0, 1, NOW]) },
      { ...saved, extra: true },
    ];
    for (const state of bad) {
      const ranker = createRanker(state);
      const probe = message({ category: 'shipping' });
      expect(ranker.score(probe, NOW)).toBe(staticRank(probe));
    }
    expect(RANKER_STATE_FORMAT).toBe(saved.format);
  });

  it('reads a state of format 2: the table and opens as saved, each sender\'s per-category counts as one', () => {
    const good = createRanker();
    trained(good);
    const { table, opens } = good.save() as { table: string; opens: unknown[] };
    // As format 2 saved it: rates per category × sender.
    const format2 = {
      format: 'tidings-ranker/2',
      tableBits: 12,
      table,
      opens,
      rates: [
        ['*', 20, 40, NOW],
        ['c=chat', 10, 20, NOW],
        ['c=chat|s=seller-1', 6, 8, NOW],
        ['c=review|s=seller-1', 3, 4, NOW],
        ['c=chat|s=seller-2', 0, 8, NOW],
        ['c=promotion', 2, 12, NOW],
      ],
    };
    const restored = createRanker(format2);
    const state = restored.save() as { format: string; table: string; opens: unknown[]; rates: [string, number, number, number][] };
    expect(state.format).toBe(RANKER_STATE_FORMAT);
    expect(state.table).toBe(table);
    expect(state.opens).toEqual(opens);
    const keys = state.rates.map(([key]) => key);
    expect(keys).toEqual(['*', 'c=chat', 'c=promotion', 's=seller-1', 's=seller-2']);
    // Both of seller-1's keys count: 9 opens of 12 outcomes.
    expect(state.rates.find(([key]) => key === 's=seller-1')?.[1]).toBe(9);
    const chatFrom = (id: string) => message({ category: 'chat', type: 'user', sender: { id, name: id } });
    expect(restored.score(chatFrom('seller-1'), NOW)).toBeGreaterThan(restored.score(chatFrom('seller-2'), NOW));
    // And it reads back as format 3, to the same scores.
    const again = createRanker(state);
    const probe = chatFrom('seller-2');
    expect(again.score(probe, NOW)).toBe(restored.score(probe, NOW));
  });

  it('starts over from the static order on a state saved by the version before the open rates', () => {
    const good = createRanker();
    trained(good);
    const { rates: _rates, ...saved } = good.save() as Record<string, unknown>;
    const previous = createRanker({ ...saved, format: 'tidings-ranker/1' });
    const probe = message({ category: 'shipping' });
    expect(previous.score(probe, NOW)).toBe(staticRank(probe));
    expect((previous.save() as { rates: unknown[] }).rates).toEqual([]);
  });
});

describe('guard rails', () => {
  const outcomes: Outcome[] = ['opened', 'dismissed', 'ignored'];

  it('never scores a guarded message below its static score, whatever the shopper did', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(arbitraryMessage, fc.constantFrom(...outcomes), fc.integer({ min: 0, max: 500 })), { maxLength: 60 }),
        inbox,
        (history, shown) => {
          const ranker = createRanker();
          // The adversary: every guarded message is dismissed, everything else opened, many times over.
          for (let round = 0; round < 5; round++) {
            for (const [m, , hours] of history) ranker.learn(m, isGuarded(m) ? 'dismissed' : 'opened', NOW - hours * HOUR);
          }
          for (const m of shown.filter(isGuarded)) expect(ranker.score(m, NOW)).toBeGreaterThanOrEqual(staticRank(m));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps on the first screen every guarded message the static order puts there', () => {
    fc.assert(
      fc.property(fc.uniqueArray(arbitraryMessage, { selector: (m) => m.id, minLength: 20, maxLength: 80 }), (messages) => {
        const fixed = [...messages].sort((a, b) => compareForDisplay(rows(a), rows(b), 'priority'));
        // The worst smart order: everything unguarded first, guarded messages last.
        const adversarial = [...messages.filter((m) => !isGuarded(m)), ...messages.filter(isGuarded)];
        const shown = keepFirstScreen(adversarial, fixed);
        expect([...shown].sort(byId)).toEqual([...messages].sort(byId));
        for (const m of fixed.slice(0, FIRST_SCREEN).filter(isGuarded)) expect(shown.indexOf(m)).toBeLessThan(FIRST_SCREEN);
      }),
    );
  });

  it('leaves a smart order alone when it already keeps them', () => {
    const list = [message({ category: 'order' }), message({ category: 'promotion' })];
    expect(keepFirstScreen(list, list)).toEqual(list);
  });
});

const byId = (a: Message, b: Message) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
