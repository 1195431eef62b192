import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { db } from '../db/db.js';
import { setRead } from '../db/message.repository.js';
import { readCursor, writeCursor } from '../db/meta.repository.js';
import { message, messageEvent } from '../test-support/messages.js';
import { applyEvents, type IncomingEvent } from './apply-events.js';

beforeEach(async () => {
  await db.messages.clear();
  await db.meta.clear();
});

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
    const skipped: IncomingEvent = { seq: 2, kind: 'skipped' };
    const result = await applyEvents([messageEvent(1), skipped, messageEvent(3)]);
    expect(result).toMatchObject({ applied: 3, cursor: '3' });
    expect(await db.messages.count()).toBe(2);
  });

  it('writes nothing, cursor included, when storing one message of the batch fails', async () => {
    const broken = { ...message('x', 2), id: undefined } as unknown as ReturnType<typeof message>;
    await expect(applyEvents([messageEvent(1), messageEvent(2, broken)])).rejects.toThrow();
    expect(await readCursor()).toBe('0');
    expect(await db.messages.count()).toBe(0);
  });
});
