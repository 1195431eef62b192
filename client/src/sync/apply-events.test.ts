import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '../db/db.js';
import { changeLocally } from '../db/message-state.repository.js';
import { readCursor, writeCursor } from '../db/meta.repository.js';
import { readPreferences } from '../db/preferences.repository.js';
import { countVisibleSkipped, listSkipped } from '../db/skipped-event.repository.js';
import { message, messageEvent } from '../test-support/messages.js';
import { deepEvent } from '../test-support/unreadable-event.js';
import { applyEvents, type IncomingEvent } from './apply-events.js';
import { decodeEvent } from './incoming-event.js';

const setRead = (id: string, read: boolean) => changeLocally([id], 'read', read, '2025-01-01T12:00:00.000Z');

beforeEach(async () => {
  await Promise.all(db.tables.map((table) => table.clear()));
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** A message event IndexedDB refuses to store (no key), as a stand-in for any event that fails to store. */
const unstorable = (seq: number) => messageEvent(seq, { ...message(`x${seq}`, seq), id: undefined } as unknown as ReturnType<typeof message>);

describe('applyEvents', () => {
  it('stores messages and advances the cursor to the last seq', async () => {
    const result = await applyEvents([messageEvent(1), messageEvent(2), messageEvent(3)]);
    expect(result).toEqual({ cursor: '3', applied: 3, duplicates: 0, gap: false });
    expect(await readCursor()).toBe('3');
    expect((await db.messages.toArray()).map((m) => m.id).sort()).toEqual(['m1', 'm2', 'm3']);
  });

  it('stores one copy when the same events arrive twice', async () => {
    await applyEvents([messageEvent(1), messageEvent(2)]);
    const again = await applyEvents([messageEvent(1), messageEvent(2)]);
    expect(again).toMatchObject({ applied: 0, duplicates: 2, cursor: '2' });
    expect(await db.messages.count()).toBe(2);
  });

  it('keeps local read state when a replay from an older cursor re-delivers a message', async () => {
    await applyEvents([messageEvent(1)]);
    await setRead('m1', true);
    await writeCursor('0'); // e.g. a cursor restored from before the message arrived
    await applyEvents([messageEvent(1)]);
    expect((await db.messages.get('m1'))?.read).toBe(1);
    expect(await db.messages.count()).toBe(1);
  });

  it('updates a message re-sent under a newer seq, keeping read state', async () => {
    await applyEvents([messageEvent(1, message('a', 1, { title: 'Shipped' }))]);
    await setRead('a', true);
    await applyEvents([messageEvent(2, message('a', 1, { title: 'Delivered' }))]);
    const stored = await db.messages.get('a');
    expect(stored).toMatchObject({ title: 'Delivered', seq: 2, read: 1 });
  });

  it('never lets a replayed older event overwrite newer content', async () => {
    await applyEvents([messageEvent(1, message('a', 1, { title: 'Shipped' })), messageEvent(2, message('a', 1, { title: 'Delivered' }))]);
    await writeCursor('0');
    await applyEvents([messageEvent(1, message('a', 1, { title: 'Shipped' }))]);
    expect((await db.messages.get('a'))?.title).toBe('Delivered');
  });

  it('applies out-of-order events in seq order', async () => {
    const result = await applyEvents([messageEvent(3), messageEvent(1), messageEvent(2)]);
    expect(result).toMatchObject({ applied: 3, cursor: '3', gap: false });
  });

  it('stops at a gap and leaves the cursor before it', async () => {
    const result = await applyEvents([messageEvent(1), messageEvent(3)]);
    expect(result).toMatchObject({ applied: 1, cursor: '1', gap: true });
    expect(await db.messages.get('m3')).toBeUndefined();
    expect(await readCursor()).toBe('1');
  });

  it('treats an event after the stored cursor as a gap when earlier ones are missing', async () => {
    await applyEvents([messageEvent(1)]);
    const result = await applyEvents([messageEvent(5)]);
    expect(result).toMatchObject({ applied: 0, gap: true, cursor: '1' });
  });

  it('moves the cursor past events it cannot read without storing anything', async () => {
    const skipped: IncomingEvent = { seq: 2, kind: 'skipped', reason: 'unreadable', eventKind: 'sender-muted' };
    const result = await applyEvents([messageEvent(1), skipped, messageEvent(3)]);
    expect(result).toMatchObject({ applied: 3, cursor: '3' });
    expect(await db.messages.count()).toBe(2);
    // Recorded, but not a message: nothing for the shopper to miss.
    expect(await listSkipped()).toMatchObject([{ seq: 2, kind: 'sender-muted', reason: 'unreadable', visible: 0 }]);
    expect(await countVisibleSkipped()).toBe(0);
  });

  it('applies the rest of a batch around a message nested too deep to parse, and records it once', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const batch = [messageEvent(1), deepEvent(2, 'deep'), messageEvent(3)].map((event) => decodeEvent(event)!);
    const result = await applyEvents(batch, new Date('2025-01-02T00:00:00.000Z'));
    expect(result).toMatchObject({ applied: 3, cursor: '3', gap: false });
    expect(await readCursor()).toBe('3');
    expect((await db.messages.toArray()).map((row) => row.id).sort()).toEqual(['m1', 'm3']);
    expect(await listSkipped()).toMatchObject([{ seq: 2, kind: 'message', messageId: 'deep', at: '2025-01-02T00:00:00.000Z', visible: 1 }]);
    // A replay after a reconnect is a duplicate: it is not recorded again.
    await writeCursor('1');
    await applyEvents(batch);
    expect(await countVisibleSkipped()).toBe(1);
  });

  it('skips a message that fails to store, applies the others of its batch and moves the cursor past it', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const result = await applyEvents([messageEvent(1), unstorable(2), messageEvent(3), { seq: 4, kind: 'retracted', messageId: 'm1' }]);
    expect(result).toMatchObject({ applied: 4, cursor: '4', gap: false });
    expect(await readCursor()).toBe('4');
    expect((await db.messages.toArray()).map((row) => row.id)).toEqual(['m3']);
    expect(await listSkipped()).toMatchObject([{ seq: 2, kind: 'message', reason: 'apply-failed', visible: 1 }]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('skipping event 2'), expect.anything());
    // Later batches go the fast way again.
    await applyEvents([messageEvent(5)]);
    expect(await readCursor()).toBe('5');
  });

  it('still stops at a gap while skipping one by one', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const result = await applyEvents([messageEvent(1), unstorable(2), messageEvent(4)]);
    expect(result).toMatchObject({ applied: 2, cursor: '2', gap: true });
    expect(await db.messages.get('m4')).toBeUndefined();
  });

  it('skips nothing and writes nothing when the device itself fails (storage full): a later attempt stores it all', async () => {
    const full = Object.assign(new Error('The quota has been exceeded'), { name: 'QuotaExceededError' });
    const bulkPut = vi.spyOn(db.messages, 'bulkPut').mockRejectedValueOnce(full);
    await expect(applyEvents([messageEvent(1), messageEvent(2)])).rejects.toThrow('quota');
    expect(await readCursor()).toBe('0');
    expect(await db.messages.count()).toBe(0);
    expect(await db.skipped.count()).toBe(0);
    bulkPut.mockRestore();
    await applyEvents([messageEvent(1), messageEvent(2)]);
    expect(await db.messages.count()).toBe(2);
  });
});

describe('state events', () => {
  const at = (minute: number) => new Date(Date.UTC(2025, 0, 1, 12, minute)).toISOString();

  it('apply each field only when its change is newer than the local one', async () => {
    await applyEvents([messageEvent(1, message('a', 1))]);
    await changeLocally(['a'], 'read', true, at(10));
    await applyEvents([
      // Older read=false loses; archived has no local stamp yet and wins.
      { seq: 2, kind: 'state', messageId: 'a', state: { read: { value: false, at: at(5) }, archived: { value: true, at: at(5) } } },
    ]);
    expect(await db.messages.get('a')).toMatchObject({ read: 1, readAt: at(10), archived: 1, archivedAt: at(5), box: 1 });
    await applyEvents([{ seq: 3, kind: 'state', messageId: 'a', state: { read: { value: false, at: at(11) } } }]);
    expect(await db.messages.get('a')).toMatchObject({ read: 0, archived: 1 });
  });

  it('converge whatever order two devices’ changes arrive in', async () => {
    const changes = [
      { read: { value: true, at: at(3) } },
      { read: { value: false, at: at(7) }, deleted: { value: true, at: at(2) } },
      { deleted: { value: false, at: at(4) } },
    ];
    const finalState = async (order: number[]) => {
      await Promise.all(db.tables.map((table) => table.clear()));
      await applyEvents([messageEvent(1, message('a', 1))]);
      await applyEvents(order.map((index, position) => ({ seq: position + 2, kind: 'state', messageId: 'a', state: changes[index]! })));
      const row = (await db.messages.get('a'))!;
      return [row.read, row.deleted, row.box];
    };
    const expected = await finalState([0, 1, 2]);
    expect(expected).toEqual([0, 0, 0]);
    expect(await finalState([2, 1, 0])).toEqual(expected);
    expect(await finalState([1, 0, 2])).toEqual(expected);
  });

  it('keep local state when a corrected message arrives', async () => {
    await applyEvents([messageEvent(1, message('a', 1, { priority: 3 }))]);
    await changeLocally(['a'], 'archived', true, at(2));
    await applyEvents([messageEvent(2, message('a', 1, { priority: 5, title: 'Corrected' }))]);
    const row = (await db.messages.get('a'))!;
    expect(row).toMatchObject({ title: 'Corrected', archived: 1, box: 1 });
    expect(row.rank).toBeGreaterThan(row.createdAtMs);
  });
});

describe('preference events', () => {
  const prefs = (minPushPriority: number) => ({
    mutedCategories: ['promotion'],
    minPushPriority,
    quietHours: null,
    timeZone: 'Asia/Shanghai',
    mutedSenders: [],
    locale: 'zh-CN' as const,
    theme: 'dark' as const,
  });

  it('keep the newest by changedAt, in meta where the service worker reads them', async () => {
    await applyEvents([
      { seq: 1, kind: 'preferences', preferences: prefs(4), changedAt: '2025-01-02T00:00:00.000Z' },
      { seq: 2, kind: 'preferences', preferences: prefs(2), changedAt: '2025-01-01T00:00:00.000Z' },
    ]);
    expect(await readPreferences()).toEqual({ preferences: prefs(4), changedAt: '2025-01-02T00:00:00.000Z' });
    expect((await db.meta.get('preferences'))?.value).toMatchObject({ preferences: { minPushPriority: 4 } });
  });
});
