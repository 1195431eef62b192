import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { applyEvents } from '../sync/apply-events.js';
import { message, messageEvent } from '../test-support/messages.js';
import { db } from './db.js';
import { changeLocally } from './message-state.repository.js';
import { countUnread, PUSHED_SEQ, storePushedMessage } from './message.repository.js';
import { readCursor } from './meta.repository.js';

const NOW = Date.UTC(2025, 0, 1, 13, 0);
const setRead = (id: string, read: boolean) => changeLocally([id], 'read', read, new Date(NOW).toISOString());

beforeEach(async () => {
  await Promise.all(db.tables.map((table) => table.clear()));
});

/** Events 1..count whose messages are created one minute apart, in the given minute order. */
async function seed(minutes: number[], extra: (index: number) => Parameters<typeof message>[2] = () => ({})) {
  await applyEvents(minutes.map((minute, index) => messageEvent(index + 1, message(`m${minute}`, minute, extra(index)))));
}

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

describe('retraction', () => {
  it('removes the message, and neither a push nor a replayed event brings it back', async () => {
    await seed([1, 2]);
    await applyEvents([{ seq: 3, kind: 'retracted', messageId: 'm1' }]);
    expect(await db.messages.get('m1')).toBeUndefined();
    expect(await storePushedMessage(message('m1', 1), new Date(NOW).toISOString())).toBe(false);
    await applyEvents([messageEvent(4, message('m1', 1, { title: 'Corrected' }))]);
    expect(await db.messages.get('m1')).toBeUndefined();
    expect(await countUnread(NOW)).toBe(1);
  });

  it('drops a queued local change for the retracted message', async () => {
    await seed([1]);
    await setRead('m1', true);
    expect(await db.outbox.count()).toBe(1);
    await applyEvents([{ seq: 2, kind: 'retracted', messageId: 'm1' }]);
    expect(await db.outbox.count()).toBe(0);
  });
});

describe('thread heads', () => {
  it('marks only the newest message of a collapseKey as head, per box', async () => {
    await seed([1, 2, 3], () => ({ collapseKey: 'order:1' }));
    const heads = async () => (await db.messages.toArray()).filter((row) => row.head === 1).map((row) => row.id).sort();
    expect(await heads()).toEqual(['m3']);
    await changeLocally(['m3'], 'archived', true, new Date(NOW).toISOString());
    // m3 heads the thread in the archive, m2 in the inbox.
    expect(await heads()).toEqual(['m2', 'm3']);
    await changeLocally(['m2'], 'deleted', true, new Date(NOW).toISOString());
    expect(await heads()).toEqual(['m1', 'm2', 'm3']);
  });
});
