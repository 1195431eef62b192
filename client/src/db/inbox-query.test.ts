import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { isShown, type InboxFilter } from '../../../shared/inbox/filter.js';
import { compareForDisplay, type IndexedOrdering } from '../../../shared/inbox/ordering.js';
import { groupThreads } from '../../../shared/inbox/thread.js';
import { applyEvents } from '../sync/apply-events.js';
import { message, messageEvent } from '../test-support/messages.js';
import { db } from './db.js';
import { countUnreadThreads, hasArchived, idsForBulk, keyAfter, messageForView, nextUnreadExpiry, queryInbox, threadCounts, threadTimeline } from './inbox-query.js';
import { countUnread } from './message.repository.js';
import { changeLocally } from './message-state.repository.js';

const NOW = Date.UTC(2025, 0, 2);
const AT = new Date(NOW).toISOString();
const ids = (messages: { id: string }[]) => messages.map((m) => m.id);

beforeEach(async () => {
  await Promise.all(db.tables.map((table) => table.clear()));
});

describe('messageForView', () => {
  it('reads a message, its tombstone after a delete, and its retraction', async () => {
    await applyEvents([messageEvent(1, message('m1', 1)), messageEvent(2, message('m2', 2))]);
    await changeLocally(['m2'], 'deleted', true, AT);
    await applyEvents([{ seq: 3, kind: 'retracted', messageId: 'm1' }]);
    expect(await messageForView('m1')).toEqual({ row: undefined, retracted: true });
    const deleted = await messageForView('m2');
    expect(deleted.row?.deleted).toBe(1);
    expect(deleted.retracted).toBe(false);
    expect(await messageForView('never-here')).toEqual({ row: undefined, retracted: false });
  });
});

describe('queryInbox', () => {
  it('pages newest first by key, without gaps or repeats, ties by id', async () => {
    await applyEvents([1, 2, 3].map((seq) => messageEvent(seq, message(`m${seq}`, seq))).concat(messageEvent(4, message('m0', 3))));
    const first = await queryInbox({ view: 'inbox', ordering: 'newest', filter: {}, now: NOW, limit: 2 });
    expect(ids(first.messages)).toEqual(['m3', 'm0']);
    expect(first.more).toBe(true);
    const second = await queryInbox({ view: 'inbox', ordering: 'newest', filter: {}, now: NOW, limit: 5, after: keyAfter(first.messages[1]!, 'newest') });
    expect(ids(second.messages)).toEqual(['m2', 'm1']);
    expect(second.more).toBe(false);
  });

  it('puts an urgent message above newer normal ones in priority order only', async () => {
    await applyEvents([messageEvent(1, message('urgent', 0, { priority: 5 })), messageEvent(2, message('normal', 30))]);
    const query = (ordering: IndexedOrdering) => queryInbox({ view: 'inbox', ordering, filter: {}, now: NOW, limit: 5 });
    expect(ids((await query('priority')).messages)).toEqual(['urgent', 'normal']);
    expect(ids((await query('newest')).messages)).toEqual(['normal', 'urgent']);
  });

  it('separates inbox, archive and history, and never lists deleted messages', async () => {
    await applyEvents([1, 2, 3].map((seq) => messageEvent(seq, message(`m${seq}`, seq))));
    await changeLocally(['m1'], 'archived', true, AT);
    await changeLocally(['m2'], 'deleted', true, AT);
    const list = async (view: 'inbox' | 'archive' | 'history') => ids((await queryInbox({ view, ordering: 'newest', filter: {}, now: NOW, limit: 9 })).messages);
    expect(await list('inbox')).toEqual(['m3']);
    expect(await list('archive')).toEqual(['m1']);
    expect(await list('history')).toEqual(['m3', 'm1']);
  });

  it('shows one row per thread with its count, and the timeline oldest first', async () => {
    await applyEvents(['placed', 'paid', 'shipped'].map((step, index) => messageEvent(index + 1, message(step, index, { collapseKey: 'order:1' }))));
    await applyEvents([messageEvent(4, message('solo', 1))]);
    const page = await queryInbox({ view: 'inbox', ordering: 'newest', filter: {}, now: NOW, limit: 9 });
    expect(ids(page.messages)).toEqual(['shipped', 'solo']);
    expect((await threadCounts(page.messages)).get('c:order:1')).toBe(3);
    expect(ids(await threadTimeline('c:order:1'))).toEqual(['placed', 'paid', 'shipped']);
  });

  it('stops at the scan budget and says there may be more', async () => {
    await applyEvents(Array.from({ length: 30 }, (_, i) => messageEvent(i + 1, message(`m${i}`, i, i === 0 ? { body: 'needle' } : {}))));
    const page = await queryInbox({ view: 'inbox', ordering: 'newest', filter: { search: 'needle' }, now: NOW, limit: 5, scanBudget: 10 });
    expect(page.messages).toEqual([]);
    expect(page.more).toBe(true);
    const full = await queryInbox({ view: 'inbox', ordering: 'newest', filter: { search: 'needle' }, now: NOW, limit: 5, scanBudget: 100 });
    expect(ids(full.messages)).toEqual(['m0']);
    expect(full.more).toBe(false);
  });

  it('finds the messages of a bulk action for the current filter', async () => {
    await applyEvents([1, 2, 3].map((seq) => messageEvent(seq, message(`m${seq}`, seq, { category: seq === 2 ? 'chat' : 'order' }))));
    await changeLocally(['m3'], 'read', true, AT);
    expect((await idsForBulk({ view: 'inbox', filter: { categories: ['order'] }, now: NOW }, 0)).sort()).toEqual(['m1']);
    expect(await idsForBulk({ view: 'inbox', filter: {}, now: NOW }, 1)).toEqual(['m3']);
  });

  /** The index walk must agree with the naive rule: filter everything in JS, group threads, sort. */
  it('matches the naive baseline for any filter, ordering and view', async () => {
    const messageArb = fc.record({
      minute: fc.integer({ min: 0, max: 60 }),
      category: fc.constantFrom('order', 'chat', 'promotion'),
      priority: fc.integer({ min: 1, max: 5 }),
      collapseKey: fc.option(fc.constantFrom('order:1', 'order:2'), { nil: undefined }),
      title: fc.constantFrom('Order shipped', 'Sale ends', 'Hi there'),
      read: fc.boolean(),
      archived: fc.boolean(),
      expired: fc.boolean(),
    });
    const filterArb = fc.record(
      {
        categories: fc.subarray(['order', 'chat']),
        unreadOnly: fc.boolean(),
        minPriority: fc.integer({ min: 1, max: 5 }),
        fromMs: fc.constant(Date.UTC(2025, 0, 1, 12, 20)),
        toMs: fc.constant(Date.UTC(2025, 0, 1, 12, 50)),
        search: fc.constantFrom('order', 'sale'),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(messageArb, { maxLength: 25 }),
        filterArb,
        fc.constantFrom<IndexedOrdering>('priority', 'newest'),
        fc.constantFrom('inbox' as const, 'archive' as const, 'history' as const),
        async (specs, filter: InboxFilter, ordering, view) => {
          await Promise.all(db.tables.map((table) => table.clear()));
          await applyEvents(
            specs.map((spec, i) =>
              messageEvent(i + 1, message(`m${i}`, spec.minute, {
                category: spec.category,
                priority: spec.priority,
                title: spec.title,
                ...(spec.collapseKey ? { collapseKey: spec.collapseKey } : {}),
                ...(spec.expired ? { expiresAt: new Date(NOW - 1).toISOString() } : {}),
              })),
            ),
          );
          await changeLocally(specs.flatMap((spec, i) => (spec.read ? [`m${i}`] : [])), 'read', true, AT);
          await changeLocally(specs.flatMap((spec, i) => (spec.archived ? [`m${i}`] : [])), 'archived', true, AT);

          const all = await db.messages.toArray();
          // Threads group within a box; history lists every message.
          const candidates = view === 'history' ? all : groupThreads(all.filter((row) => row.box === (view === 'inbox' ? 0 : 1))).map((thread) => thread.head);
          const expected = candidates.filter((row) => isShown(row, view, filter, NOW)).sort((a, b) => compareForDisplay(a, b, ordering));
          const page = await queryInbox({ view, ordering, filter, now: NOW, limit: 100 });
          expect(ids(page.messages)).toEqual(ids(expected));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('countUnreadThreads', () => {
  it('counts an unread thread once, as its card shows, while countUnread counts its messages', async () => {
    // Ten unread messages in eight cards: an order thread of three, and seven of their own.
    await applyEvents(['placed', 'paid', 'shipped'].map((step, index) => messageEvent(index + 1, message(step, index, { collapseKey: 'order:1' }))));
    await applyEvents(Array.from({ length: 7 }, (_, i) => messageEvent(i + 4, message(`solo${i}`, 10 + i))));
    expect(await countUnread(NOW)).toBe(10);
    expect(await countUnreadThreads(NOW)).toBe(8);
    const page = await queryInbox({ view: 'inbox', ordering: 'newest', filter: {}, now: NOW, limit: 50 });
    expect(page.messages.filter((row) => row.read === 0)).toHaveLength(8);
  });

  it('leaves out read, archived and expired rows, and an expired row the moment it expires', async () => {
    const soon = NOW + 3_000;
    await applyEvents([
      messageEvent(1, message('read', 1)),
      messageEvent(2, message('archived', 2)),
      messageEvent(3, message('expired', 3, { expiresAt: new Date(NOW - 1).toISOString() })),
      messageEvent(4, message('expiring', 4, { expiresAt: new Date(soon).toISOString() })),
      messageEvent(5, message('unread', 5)),
    ]);
    await changeLocally(['read'], 'read', true, AT);
    await changeLocally(['archived'], 'archived', true, AT);
    expect(await countUnreadThreads(NOW)).toBe(2);
    expect(await countUnreadThreads(soon - 1)).toBe(2);
    expect(await countUnreadThreads(soon)).toBe(1);
  });

  it('counts a thread whose newest message was marked unread again, not one read as a whole', async () => {
    await applyEvents(['a', 'b'].map((id, index) => messageEvent(index + 1, message(id, index, { collapseKey: 'chat:1' }))));
    await changeLocally(['a', 'b'], 'read', true, AT);
    expect(await countUnreadThreads(NOW)).toBe(0);
    await changeLocally(['b'], 'read', false, new Date(NOW + 1_000).toISOString());
    expect(await countUnreadThreads(NOW)).toBe(1);
  });
});

describe('nextUnreadExpiry', () => {
  it('is the soonest expiry ahead among unread inbox rows, loaded or not', async () => {
    await applyEvents([
      messageEvent(1, message('past', 1, { expiresAt: new Date(NOW - 5).toISOString() })),
      messageEvent(2, message('later', 2, { expiresAt: new Date(NOW + 9_000).toISOString() })),
      messageEvent(3, message('sooner', 3, { expiresAt: new Date(NOW + 4_000).toISOString() })),
      messageEvent(4, message('read', 4, { expiresAt: new Date(NOW + 1_000).toISOString() })),
    ]);
    await changeLocally(['read'], 'read', true, AT);
    expect(await nextUnreadExpiry(NOW)).toBe(NOW + 4_000);
    expect(await nextUnreadExpiry(NOW + 4_000)).toBe(NOW + 9_000);
    expect(await nextUnreadExpiry(NOW + 9_000)).toBeUndefined();
  });
});

describe('hasArchived', () => {
  it('says whether anything is archived, whatever its read state, and not for a deleted one', async () => {
    expect(await hasArchived()).toBe(false);
    await applyEvents([messageEvent(1, message('kept', 1)), messageEvent(2, message('gone', 2))]);
    expect(await hasArchived()).toBe(false);
    await changeLocally(['gone'], 'deleted', true, AT);
    expect(await hasArchived()).toBe(false);
    await changeLocally(['kept'], 'archived', true, AT);
    expect(await hasArchived()).toBe(true);
  });
});
