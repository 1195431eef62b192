import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isEmptyFilter, isShown, matchesCriteria, type Filterable, type InboxFilter } from './filter.js';

const NOW = Date.UTC(2025, 0, 2);
const base: Filterable = {
  type: 'system',
  category: 'order',
  priority: 3,
  title: 'Order #1042 shipped',
  body: 'It left the warehouse',
  createdAtMs: NOW - 1000,
  read: 0,
  archived: 0,
  deleted: 0,
};

describe('views', () => {
  it('shows inbox messages only in inbox and history, archived only in archive and history, deleted nowhere', () => {
    expect(isShown(base, 'inbox', {}, NOW)).toBe(true);
    expect(isShown(base, 'archive', {}, NOW)).toBe(false);
    const archived = { ...base, archived: 1 as const };
    expect([isShown(archived, 'inbox', {}, NOW), isShown(archived, 'archive', {}, NOW), isShown(archived, 'history', {}, NOW)]).toEqual([false, true, true]);
    const deleted = { ...base, deleted: 1 as const };
    expect([isShown(deleted, 'inbox', {}, NOW), isShown(deleted, 'history', {}, NOW)]).toEqual([false, false]);
  });

  it('hides expired messages everywhere', () => {
    expect(isShown({ ...base, expiresAtMs: NOW }, 'history', {}, NOW)).toBe(false);
    expect(isShown({ ...base, expiresAtMs: NOW + 1 }, 'inbox', {}, NOW)).toBe(true);
  });
});

describe('criteria', () => {
  it.each<[InboxFilter, boolean]>([
    [{ categories: ['order', 'chat'] }, true],
    [{ categories: ['chat'] }, false],
    [{ types: ['user'] }, false],
    [{ unreadOnly: true }, true],
    [{ minPriority: 4 }, false],
    [{ fromMs: NOW - 1000 }, true],
    [{ toMs: NOW - 1000 }, false],
    [{ search: 'WAREHOUSE  1042' }, true],
    [{ search: 'refund' }, false],
  ])('%j → %s', (filter, expected) => {
    expect(matchesCriteria(base, filter)).toBe(expected);
  });

  it('searches the sender name', () => {
    expect(matchesCriteria({ ...base, type: 'user', sender: { name: 'Lin Mei' } }, { search: 'lin' })).toBe(true);
  });

  const filterArb = fc.record(
    {
      categories: fc.subarray(['order', 'chat', 'promotion']),
      unreadOnly: fc.boolean(),
      minPriority: fc.integer({ min: 1, max: 5 }),
      fromMs: fc.integer({ min: NOW - 10_000, max: NOW }),
      search: fc.constantFrom('', 'order', 'ship', 'zzz'),
    },
    { requiredKeys: [] },
  );
  const messageArb = fc.record({
    type: fc.constantFrom('system', 'user'),
    category: fc.constantFrom('order', 'chat', 'promotion'),
    priority: fc.integer({ min: 1, max: 5 }),
    title: fc.constantFrom('Order shipped', 'Hello', 'Sale'),
    createdAtMs: fc.integer({ min: NOW - 10_000, max: NOW }),
    read: fc.constantFrom<0 | 1>(0, 1),
    archived: fc.constant<0>(0),
    deleted: fc.constant<0>(0),
  });

  it('compose: a filter matches exactly what each part of it matches', () => {
    fc.assert(
      fc.property(messageArb, filterArb, fc.func(fc.boolean()), (message, filter, inFirst) => {
        const entries = Object.entries(filter);
        const first = Object.fromEntries(entries.filter(([key]) => inFirst(key))) as InboxFilter;
        const second = Object.fromEntries(entries.filter(([key]) => !inFirst(key))) as InboxFilter;
        expect(matchesCriteria(message, filter)).toBe(matchesCriteria(message, first) && matchesCriteria(message, second));
      }),
    );
  });

  it('the empty filter matches everything and says so', () => {
    fc.assert(fc.property(messageArb, (message) => matchesCriteria(message, {})));
    expect(isEmptyFilter({ search: '  ', minPriority: 1 })).toBe(true);
    expect(isEmptyFilter({ unreadOnly: true })).toBe(false);
  });
});
