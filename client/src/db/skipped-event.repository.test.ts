import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { db } from './db.js';
import { signIn, signOut } from './meta.repository.js';
import { countVisibleSkipped, dismissSkipped, listSkipped, recordSkipped, SKIPPED_KEPT } from './skipped-event.repository.js';

const AT = '2025-01-01T00:00:00.000Z';
const record = (seq: number, eventKind = 'message') =>
  db.transaction('rw', db.skipped, () => recordSkipped({ seq, eventKind, messageId: `m${seq}`, reason: 'parse-failed' }, AT));

beforeEach(async () => {
  await Promise.all(db.tables.map((table) => table.clear()));
});

describe('skipped events', () => {
  it('counts the messages the shopper missed until the notice is dismissed, and keeps the record', async () => {
    await record(3);
    await record(5);
    await record(6, 'state');
    expect(await countVisibleSkipped()).toBe(2);
    await dismissSkipped();
    expect(await countVisibleSkipped()).toBe(0);
    expect((await listSkipped()).map((row) => row.seq)).toEqual([3, 5, 6]);
    // A message skipped later brings the notice back, for that one only.
    await record(9);
    expect(await countVisibleSkipped()).toBe(1);
  });

  it('keeps only the newest rows', async () => {
    for (let seq = 1; seq <= SKIPPED_KEPT + 5; seq += 1) await record(seq);
    const rows = await listSkipped();
    expect(rows).toHaveLength(SKIPPED_KEPT);
    expect(rows[0]!.seq).toBe(6);
  });

  it('leaves the device with the shopper who signs out, and with an inbox handed to another shopper', async () => {
    await signIn('token-alice', 'alice');
    await record(3);
    await signIn('token-bob', 'bob');
    expect(await db.skipped.count()).toBe(0);
    await record(4);
    await signOut();
    expect(await db.skipped.count()).toBe(0);
  });
});
