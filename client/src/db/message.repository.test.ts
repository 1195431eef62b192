import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { applyEvents } from '../sync/apply-events.js';
import { message, messageEvent } from '../test-support/messages.js';
import { db } from './db.js';
import {
  countUnread,
  hasOlderThan,
  keyOf,
  listDownTo,
  listNewest,
  PUSHED_SEQ,
  setRead,
  storePushedMessage,
} from './message.repository.js';
import { readCursor } from './meta.repository.js';

const NOW = Date.UTC(2025, 0, 1, 13, 0);
const ids = (messages: { id: string }[]) => messages.map((m) => m.id);

beforeEach(async () => {
  await db.messages.clear();
  await db.meta.clear();
});

/** Events 1..count whose messages are created one minute apart, in the given minute order. */
async function seed(minutes: number[], extra: (index: number) => Parameters<typeof message>[2] = () => ({})) {
  await applyEvents(minutes.map((minute, index) => messageEvent(index + 1, message(`m${minute}`, minute, extra(index)))));
}

describe('listNewest', () => {
  it('lists newest first by createdAt, not by arrival', async () => {
    await seed([5, 1, 9, 3]);
    const page = await listNewest({ limit: 10, now: NOW });
    expect(ids(page.messages)).toEqual(['m9', 'm5', 'm3', 'm1']);
    expect(page.more).toBe(false);
  });

  it('pages by key without gaps or repeats', async () => {
    await seed([1, 2, 3, 4, 5]);
    const first = await listNewest({ limit: 2, now: NOW });
    expect(ids(first.messages)).toEqual(['m5', 'm4']);
    expect(first.more).toBe(true);
    const second = await listNewest({ limit: 2, before: keyOf(first.messages[1]!), now: NOW });
    expect(ids(second.messages)).toEqual(['m3', 'm2']);
    const third = await listNewest({ limit: 2, before: keyOf(second.messages[1]!), now: NOW });
    expect(ids(third.messages)).toEqual(['m1']);
    expect(third.more).toBe(false);
  });

  it('orders messages created in the same millisecond by id, so paging stays stable', async () => {
    await applyEvents([messageEvent(1, message('b', 1)), messageEvent(2, message('a', 1)), messageEvent(3, message('c', 1))]);
    const first = await listNewest({ limit: 1, now: NOW });
    const rest = await listNewest({ limit: 5, before: keyOf(first.messages[0]!), now: NOW });
    expect([...ids(first.messages), ...ids(rest.messages)]).toEqual(['c', 'b', 'a']);
  });

  it('compares instants, not strings, when precision differs', async () => {
    await applyEvents([
      messageEvent(1, message('whole', 0, { createdAt: '2025-01-01T12:00:01Z' })),
      messageEvent(2, message('fraction', 0, { createdAt: '2025-01-01T12:00:00.500Z' })),
    ]);
    expect(ids((await listNewest({ limit: 5, now: NOW })).messages)).toEqual(['whole', 'fraction']);
  });

  it('hides expired messages and still fills the page', async () => {
    const past = new Date(NOW - 1000).toISOString();
    await seed([1, 2, 3, 4], (index) => (index % 2 === 1 ? { expiresAt: past } : {}));
    const page = await listNewest({ limit: 2, now: NOW });
    expect(ids(page.messages)).toEqual(['m3', 'm1']);
    expect(page.more).toBe(false);
  });
});

describe('listDownTo', () => {
  it('returns everything from the newest down to the floor, inclusive', async () => {
    await seed([1, 2, 3, 4]);
    const floor = (await db.messages.get('m2'))!;
    expect(ids(await listDownTo(keyOf(floor), NOW))).toEqual(['m4', 'm3', 'm2']);
  });
});

describe('hasOlderThan', () => {
  it('tells whether a visible message sorts below the key', async () => {
    await seed([1, 2], (index) => (index === 0 ? { expiresAt: new Date(NOW - 1).toISOString() } : {}));
    const newest = (await db.messages.get('m2'))!;
    expect(await hasOlderThan(keyOf(newest), NOW)).toBe(false);
    expect(await hasOlderThan(keyOf(newest), NOW - 10_000)).toBe(true);
  });
});

describe('countUnread', () => {
  it('counts unread messages that have not expired', async () => {
    const past = new Date(NOW - 1000).toISOString();
    const future = new Date(NOW + 60_000).toISOString();
    await seed([1, 2, 3, 4], (index) => [{}, { expiresAt: past }, { expiresAt: future }, {}][index]);
    expect(await countUnread(NOW)).toBe(3);
    await setRead('m4', true);
    expect(await countUnread(NOW)).toBe(2);
    // Once the future expiry has passed, that message stops counting too.
    expect(await countUnread(NOW + 120_000)).toBe(1);
  });
});

describe('storePushedMessage', () => {
  const at = new Date(NOW).toISOString();

  it('stores a new message unread, without moving the sync cursor', async () => {
    expect(await storePushedMessage(message('p1', 1), at)).toBe(true);
    expect(await db.messages.get('p1')).toMatchObject({ id: 'p1', read: 0, seq: PUSHED_SEQ });
    expect(await readCursor()).toBe('0');
    expect(await countUnread(NOW)).toBe(1);
  });

  it('keeps read state when the same message is pushed again, and refreshes a shortened copy', async () => {
    await storePushedMessage(message('p1', 1, { body: 'Short…' }), at);
    await setRead('p1', true);
    expect(await storePushedMessage(message('p1', 1, { body: 'Short and then the whole story' }), at)).toBe(false);
    expect(await db.messages.get('p1')).toMatchObject({ read: 1, body: 'Short and then the whole story' });
  });

  it('never overwrites what the event log wrote', async () => {
    await applyEvents([messageEvent(1, message('p1', 1, { title: 'From the log' }))]);
    await setRead('p1', true);
    expect(await storePushedMessage(message('p1', 1, { title: 'From a push' }), at)).toBe(false);
    expect(await db.messages.get('p1')).toMatchObject({ title: 'From the log', read: 1, seq: 1 });
  });

  it('lets the log event arriving later take over, keeping read and advancing the cursor once', async () => {
    await storePushedMessage(message('p1', 1, { title: 'Pushed' }), at);
    await setRead('p1', true);
    const result = await applyEvents([messageEvent(1, message('p1', 1, { title: 'Synced' }))]);
    expect(result).toMatchObject({ applied: 1, cursor: '1' });
    expect(await db.messages.get('p1')).toMatchObject({ title: 'Synced', read: 1, seq: 1 });
    expect(await db.messages.count()).toBe(1);
  });
});
