import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareForDisplay, INDEXED_ORDERINGS, rankOf, type Rankable } from './ordering.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 0, 1);
const msg = (id: string, hoursAgo: number, priority: number, read: 0 | 1 = 0): Rankable => ({
  id,
  priority,
  read,
  createdAtMs: T0 - hoursAgo * HOUR,
});

const rankable = fc.record({
  id: fc.string({ minLength: 1, maxLength: 4 }),
  priority: fc.integer({ min: 1, max: 5 }),
  createdAtMs: fc.integer({ min: T0 - 1000 * HOUR, max: T0 }),
  read: fc.constantFrom<0 | 1>(0, 1),
});
const uniqueMessages = fc.uniqueArray(rankable, { selector: (m) => m.id, maxLength: 40 });
const ordering = fc.constantFrom(...INDEXED_ORDERINGS);

describe('priority, then time', () => {
  it('puts a fresh urgent unread notice above newer normal messages', () => {
    const list = [msg('normal', 1, 3), msg('urgent', 20, 5)].sort((a, b) => compareForDisplay(a, b, 'priority'));
    expect(list.map((m) => m.id)).toEqual(['urgent', 'normal']);
  });

  it('lets yesterday’s read urgent notice sink below today’s messages', () => {
    const list = [msg('urgent', 30, 5, 1), msg('normal', 2, 3, 1)].sort((a, b) => compareForDisplay(a, b, 'priority'));
    expect(list.map((m) => m.id)).toEqual(['normal', 'urgent']);
  });

  it('ranks an unread message above the same message read', () => {
    expect(rankOf({ ...msg('a', 0, 3), read: 0 })).toBeGreaterThan(rankOf({ ...msg('a', 0, 3), read: 1 }));
  });

  it('never ranks a higher priority below a lower one of the same time and read state', () => {
    fc.assert(
      fc.property(rankable, fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), (m, p, q) => {
        const [low, high] = p <= q ? [p, q] : [q, p];
        expect(rankOf({ ...m, priority: high })).toBeGreaterThanOrEqual(rankOf({ ...m, priority: low }));
      }),
    );
  });
});

describe('both orderings', () => {
  it('are total: distinct messages never compare equal, and the comparison is antisymmetric', () => {
    fc.assert(
      fc.property(rankable, rankable, ordering, (a, b, o) => {
        fc.pre(a.id !== b.id);
        const ab = compareForDisplay(a, b, o);
        expect(ab).not.toBe(0);
        expect(Math.sign(compareForDisplay(b, a, o))).toBe(-Math.sign(ab));
      }),
    );
  });

  it('are stable: sorting any permutation gives the same list', () => {
    fc.assert(
      fc.property(uniqueMessages, ordering, fc.integer(), (messages, o, seed) => {
        const shuffled = [...messages].sort((a, b) => (hash(a.id, seed) - hash(b.id, seed)) || (a.id < b.id ? -1 : 1));
        const sorted = (list: Rankable[]) => [...list].sort((a, b) => compareForDisplay(a, b, o)).map((m) => m.id);
        expect(sorted(shuffled)).toEqual(sorted(messages));
      }),
    );
  });

  it('are transitive', () => {
    fc.assert(
      fc.property(rankable, rankable, rankable, ordering, (a, b, c, o) => {
        if (compareForDisplay(a, b, o) < 0 && compareForDisplay(b, c, o) < 0) expect(compareForDisplay(a, c, o)).toBeLessThan(0);
      }),
    );
  });
});

function hash(text: string, seed: number): number {
  let h = seed | 0;
  for (const char of text) h = Math.imul(h ^ char.charCodeAt(0), 16777619);
  return h;
}
