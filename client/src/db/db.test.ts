import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { describe, expect, it } from 'vitest';
import { rankOf } from '../../../shared/inbox/ordering.js';
import { openDb } from './db.js';

describe('schema version 2', () => {
  it('upgrades v1 rows: nothing archived or deleted, ranks computed, one head per thread', async () => {
    const name = 'tidings-upgrade-test';
    const v1 = new Dexie(name);
    v1.version(1).stores({ messages: 'id, [createdAtMs+id], read, [read+expiresAtMs]', meta: 'key' });
    const row = (id: string, minute: number, extra: Record<string, unknown> = {}) => ({
      id,
      seq: minute,
      type: 'system',
      category: 'order',
      priority: 3,
      title: id,
      read: 0,
      receivedAt: '2025-01-01T00:00:00.000Z',
      createdAt: new Date(minute * 60_000).toISOString(),
      createdAtMs: minute * 60_000,
      ...extra,
    });
    await v1.table('messages').bulkPut([row('placed', 1, { collapseKey: 'order:1', read: 1 }), row('shipped', 2, { collapseKey: 'order:1' }), row('solo', 3)]);
    await v1.table('meta').put({ key: 'cursor', value: '3' });
    v1.close();

    const db = openDb(name);
    const rows = await db.messages.orderBy('id').toArray();
    expect(rows.map((r) => [r.id, r.box, r.archived, r.deleted, r.head, r.threadKey])).toEqual([
      ['placed', 0, 0, 0, 0, 'c:order:1'],
      ['shipped', 0, 0, 0, 1, 'c:order:1'],
      ['solo', 0, 0, 0, 1, 'm:solo'],
    ]);
    expect(rows[0]!.rank).toBe(rankOf(rows[0]!));
    expect(await db.meta.get('cursor')).toEqual({ key: 'cursor', value: '3' });
    expect(await db.messages.where('[box+head+createdAtMs+id]').between([0, 1, Dexie.minKey, Dexie.minKey], [0, 1, Dexie.maxKey, [[]]]).count()).toBe(2);
    db.close();
  });
});

describe('schema version 3', () => {
  it('adds the skipped-events table to a v2 database and keeps everything else', async () => {
    const name = 'tidings-upgrade-v3-test';
    const v2 = new Dexie(name);
    v2.version(2).stores({ messages: 'id, [createdAtMs+id], [box+read]', meta: 'key', outbox: 'messageId', retracted: 'id' });
    await v2.table('meta').put({ key: 'cursor', value: '7' });
    await v2.table('retracted').put({ id: 'gone' });
    v2.close();

    const db = openDb(name);
    expect(await db.meta.get('cursor')).toEqual({ key: 'cursor', value: '7' });
    expect(await db.retracted.get('gone')).toEqual({ id: 'gone' });
    await db.skipped.put({ seq: 8, kind: 'message', reason: 'parse-failed', at: '2025-01-01T00:00:00.000Z', visible: 1 });
    expect(await db.skipped.where('visible').equals(1).count()).toBe(1);
    expect(db.skipped.schema.name).toBe('skipped');
    db.close();
  });
});

describe('schema version 4', () => {
  it('indexes the unread thread heads of a v3 database, rows kept as they were', async () => {
    const name = 'tidings-upgrade-v4-test';
    const v3 = new Dexie(name);
    v3.version(3).stores({ messages: 'id, [box+read]', meta: 'key', outbox: 'messageId', retracted: 'id', skipped: 'seq, visible' });
    const row = (id: string, head: 0 | 1, read: 0 | 1, expiresAtMs?: number) => ({ id, box: 0, head, read, ...(expiresAtMs ? { expiresAtMs } : {}) });
    await v3.table('messages').bulkPut([row('a', 1, 0), row('b', 0, 0), row('c', 1, 1), row('d', 1, 0, 5)]);
    v3.close();

    const db = openDb(name);
    expect(db.verno).toBe(4);
    expect(await db.messages.count()).toBe(4);
    expect(await db.messages.where('[box+head+read]').equals([0, 1, 0]).primaryKeys()).toEqual(['a', 'd']);
    expect(await db.messages.where('[box+head+read+expiresAtMs]').between([0, 1, 0, 0], [0, 1, 0, 10]).primaryKeys()).toEqual(['d']);
    db.close();
  });
});
