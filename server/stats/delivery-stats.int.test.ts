import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Message } from '../../shared/message.schema.js';
import { createTestSchema } from '../test-support/postgres-schema.js';
import { postgresAvailable, requireService, TEST_DATABASE_URL } from '../test-support/services.js';
import { tempDir } from '../test-support/test-server.js';
import { migrate, POSTGRES_MIGRATIONS } from '../store/postgres/migrations.js';
import { SQLITE_MIGRATIONS } from '../store/sqlite/migrations.js';
import { SQLITE_FILE_NAME, SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { deliveryStats } from './delivery-stats.js';

/** The delivery dashboard's figures, worked out on each store from messages sent at chosen instants. */
const postgres = requireService('PostgreSQL', await postgresAvailable());
type Opened = { store: Store; drop?: () => Promise<void> };
const openers: [string, () => Promise<Opened>][] = [
  ['sqlite', async () => ({ store: SqliteStore.open(tempDir()) })],
  ...(postgres
    ? [['postgres', async () => {
        const schema = await createTestSchema();
        return { store: await schema.open(), drop: () => schema.drop() };
      }] as [string, () => Promise<Opened>]]
    : []),
];

const at = (iso: string) => Date.parse(iso);
let nextId = 0;

describe.each(openers)('delivery stats on %s', (_name, open) => {
  let opened: Opened;
  let store: Store;
  beforeEach(async () => {
    opened = await open();
    store = opened.store;
    for (const id of ['shop', 'rival']) {
      await store.createMerchant({ id, name: id, keyHash: `hash-${id}`, createdAt: new Date(0).toISOString() });
    }
  });
  afterEach(async () => {
    await store.close();
    await opened.drop?.();
  });

  /** Sends a message at `iso` to `userIds`; returns its id. */
  async function sendAt(iso: string, userIds: string[], extra: Partial<Message> = {}, merchantId = 'shop'): Promise<string> {
    const id = `msg-${++nextId}`;
    const message: Message = { id, type: 'system', category: 'order', priority: 3, title: id, createdAt: new Date(at(iso)).toISOString(), ...extra };
    const accepted = await store.lifecycle.accept({ message, merchantId, target: { userIds }, now: at(iso) });
    expect(accepted.kind).toBe('accepted');
    return id;
  }

  async function readAt(userId: string, messageId: string, iso: string): Promise<void> {
    await store.applyMessageStates(userId, [{ messageId, state: { read: { value: true, at: new Date(at(iso)).toISOString() } } }]);
  }

  it('counts each message on the local day it was sent: Shanghai midnight splits what UTC keeps on one day', async () => {
    await sendAt('2026-03-01T15:30:00Z', ['u1']); // 23:30 on 1 March in Shanghai
    await sendAt('2026-03-01T16:30:00Z', ['u1', 'u2']); // 00:30 on 2 March in Shanghai
    const shanghai = await deliveryStats(store.stats, 'shop', { from: '2026-03-01', to: '2026-03-02', tz: 'Asia/Shanghai' });
    expect(shanghai.days.map((d) => [d.day, d.sent, d.recipients])).toEqual([['2026-03-01', 1, 1], ['2026-03-02', 1, 2]]);
    const utc = await deliveryStats(store.stats, 'shop', { from: '2026-03-01', to: '2026-03-02', tz: 'UTC' });
    expect(utc.days.map((d) => [d.day, d.sent, d.recipients])).toEqual([['2026-03-01', 2, 3], ['2026-03-02', 0, 0]]);
    expect(utc.total).toMatchObject({ sent: 2, recipients: 3 });
  });

  it('gives the day that summer time shortens 23 hours (Paris, 29 March 2026)', async () => {
    await sendAt('2026-03-28T22:59:00Z', ['u1']); // 23:59 on the 28th, winter time
    await sendAt('2026-03-28T23:00:00Z', ['u1']); // 00:00 on the 29th
    await sendAt('2026-03-29T21:59:00Z', ['u1']); // 23:59 on the 29th, summer time
    await sendAt('2026-03-29T22:00:00Z', ['u1']); // 00:00 on the 30th
    const stats = await deliveryStats(store.stats, 'shop', { from: '2026-03-28', to: '2026-03-30', tz: 'Europe/Paris' });
    expect(stats.days.map((d) => d.sent)).toEqual([1, 2, 1]);
  });

  it('never counts another merchant’s messages, nor messages outside the range', async () => {
    await sendAt('2026-03-05T10:00:00Z', ['u1'], {}, 'rival');
    await sendAt('2026-03-04T23:59:59Z', ['u1']);
    await sendAt('2026-03-06T00:00:00Z', ['u1']);
    const mine = await sendAt('2026-03-05T12:00:00Z', ['u1']);
    await readAt('u1', mine, '2026-03-05T12:01:00Z');
    const stats = await deliveryStats(store.stats, 'shop', { from: '2026-03-05', to: '2026-03-05', tz: 'UTC' });
    expect(stats.total).toMatchObject({ sent: 1, recipients: 1, read: 1 });
    const rival = await deliveryStats(store.stats, 'rival', { from: '2026-03-05', to: '2026-03-05', tz: 'UTC' });
    expect(rival.total).toMatchObject({ sent: 1, read: 0, readRate: 0, medianSecondsToFirstRead: null });
  });

  it('adds up live deliveries and reads per day and category, with the read rate and the median time to the first read', async () => {
    const order = await sendAt('2026-04-01T08:00:00Z', ['a', 'b', 'c', 'd'], { category: 'order' });
    const promo = await sendAt('2026-04-01T09:00:00Z', ['a', 'b'], { category: 'promotion' });
    const late = await sendAt('2026-04-02T09:00:00Z', ['a'], { category: 'promotion' });
    await store.lifecycle.addDeliveredLive(new Map([[order, 3], [promo, 1]]));
    await readAt('b', order, '2026-04-01T08:02:00Z'); // the first read of `order`: 120 s
    await readAt('a', order, '2026-04-01T09:00:00Z');
    await readAt('a', promo, '2026-04-01T09:00:30Z'); // 30 s
    await readAt('a', late, '2026-04-02T09:10:00Z'); // 600 s
    // A shopper who read, then marked it unread again, has not read it.
    await readAt('c', order, '2026-04-01T08:01:00Z');
    await store.applyMessageStates('c', [{ messageId: order, state: { read: { value: false, at: '2026-04-01T08:05:00.000Z' } } }]);

    const stats = await deliveryStats(store.stats, 'shop', { from: '2026-04-01', to: '2026-04-03', tz: 'UTC' });
    expect(stats.days[0]).toEqual({
      day: '2026-04-01', sent: 2, recipients: 6, deliveredLive: 4, pushed: 0, pushFailed: 0, read: 3, readRate: 0.5, medianSecondsToFirstRead: 75,
    });
    expect(stats.days[1]).toMatchObject({ day: '2026-04-02', sent: 1, read: 1, medianSecondsToFirstRead: 600 });
    expect(stats.days[2]).toMatchObject({ day: '2026-04-03', sent: 0, readRate: null, medianSecondsToFirstRead: null });
    expect(stats.categories.map((c) => [c.category, c.sent, c.read, c.medianSecondsToFirstRead])).toEqual([
      ['promotion', 2, 2, 315],
      ['order', 1, 2, 120],
    ]);
    expect(stats.cells.map((c) => [c.day, c.category, c.sent])).toEqual([
      ['2026-04-01', 'order', 1],
      ['2026-04-01', 'promotion', 1],
      ['2026-04-02', 'promotion', 1],
    ]);
    expect(stats.total).toMatchObject({ sent: 3, recipients: 7, read: 4, readRate: 4 / 7, medianSecondsToFirstRead: 120 });
  });

  it('counts a scheduled message on the day it went out, not the day it was scheduled, and never while it waits', async () => {
    const id = `msg-${++nextId}`;
    const message: Message = { id, type: 'system', category: 'order', priority: 3, title: id, createdAt: '2026-05-01T10:00:00.000Z' };
    await store.lifecycle.accept({ message, merchantId: 'shop', target: { userIds: ['u1'] }, schedule: { dueAt: at('2026-05-03T10:00:00Z') }, now: at('2026-05-01T10:00:00Z') });
    const waiting = await deliveryStats(store.stats, 'shop', { from: '2026-05-01', to: '2026-05-03', tz: 'UTC' });
    expect(waiting.total.sent).toBe(0);
    await store.lifecycle.deliverDue(at('2026-05-03T10:00:00Z'), 10, () => undefined);
    const sent = await deliveryStats(store.stats, 'shop', { from: '2026-05-01', to: '2026-05-03', tz: 'UTC' });
    expect(sent.days.map((d) => d.sent)).toEqual([0, 0, 1]);
  });

  it('counts pushes accepted and refused by the push service', async () => {
    for (const [user, endpoint] of [['p1', 'https://push.example/1'], ['p2', 'https://push.example/2']]) {
      await store.savePushSubscription({ endpoint: endpoint!, userId: user!, p256dh: 'k', auth: 'a', expirationTime: null }, '2026-06-01T00:00:00.000Z', 5);
    }
    await sendAt('2026-06-01T12:00:00Z', ['p1', 'p2']);
    const jobs = await store.claimPushJobs(at('2026-06-01T12:00:00Z'), 60_000, 10);
    expect(jobs).toHaveLength(2);
    await store.settlePushJobs([{ id: jobs[0]!.id, kind: 'pushed' }, { id: jobs[1]!.id, kind: 'failed' }]);
    const stats = await deliveryStats(store.stats, 'shop', { from: '2026-06-01', to: '2026-06-01', tz: 'UTC' });
    expect(stats.total).toMatchObject({ sent: 1, recipients: 2, pushed: 1, pushFailed: 1 });
  });
});

/** Rows stored before messages had sent_at and category, as each kind of message left them. */
const ROWS_BEFORE_STATS: [id: string, status: string, createdAt: string, json: Record<string, unknown>][] = [
  ['sent-then', 'sent', '2025-12-31T23:30:00.000Z', { category: 'promotion' }],
  ['scheduled-delivered', 'sent', '2025-12-01T09:00:00.000Z', { category: 'order', deliverAt: '2026-01-01T10:00:00.000Z' }],
  ['still-waiting', 'scheduled', '2025-12-31T09:00:00.000Z', { category: 'order', deliverAt: '2026-02-01T10:00:00.000Z' }],
  ['recurring', 'sent', '2025-12-31T08:00:00.000Z', { category: 'account', repeat: { cron: '0 12 * * *' } }],
  ['recurring.1', 'sent', '2026-01-01T12:00:00.000Z', { category: 'account', repeat: { cron: '0 12 * * *' } }],
  ['a-reply', 'reply', '2026-01-01T13:00:00.000Z', { category: 'chat' }],
  ['cancelled', 'cancelled', '2026-01-01T14:00:00.000Z', { category: 'order' }],
];
const insertsBeforeStats = ROWS_BEFORE_STATS.map(
  ([id, status, createdAt, json]) =>
    `INSERT INTO messages (id, merchant_id, message_json, recipients, created_at, status)
     VALUES ('${id}', 'old', '${JSON.stringify({ id, title: id, ...json })}', 1, '${createdAt}', '${status}')`,
);
const OLD_MERCHANT = "INSERT INTO merchants (id, name, key_hash, created_at) VALUES ('old', 'Old', 'hash-old', '2020-01-01T00:00:00.000Z')";

async function expectBackfilled(store: Store): Promise<void> {
  const stats = await deliveryStats(store.stats, 'old', { from: '2025-12-31', to: '2026-01-01', tz: 'UTC' });
  expect(stats.days.map((d) => [d.day, d.sent])).toEqual([['2025-12-31', 1], ['2026-01-01', 2]]);
  expect(stats.categories.map((c) => c.category).sort()).toEqual(['account', 'order', 'promotion']);
}

describe('the migration that adds sent_at and category', () => {
  const statsMigration = (migrations: readonly string[]) => migrations.findIndex((sql) => sql.includes('ADD COLUMN sent_at'));

  it('backfills SQLite: sent messages on the day they went out, never waiting ones, templates or replies', async () => {
    const dir = tempDir();
    const db = new Database(path.join(dir, SQLITE_FILE_NAME));
    const before = statsMigration(SQLITE_MIGRATIONS);
    SQLITE_MIGRATIONS.slice(0, before).forEach((sql) => db.exec(sql));
    db.pragma(`user_version = ${before}`);
    for (const sql of [OLD_MERCHANT, ...insertsBeforeStats]) db.exec(sql);
    db.close();
    const store = SqliteStore.open(dir);
    await expectBackfilled(store);
    await store.close();
  });

  it.skipIf(!postgres)('backfills PostgreSQL the same', async () => {
    const schema = await createTestSchema();
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(`SET search_path TO ${schema.name}`);
    await migrate(client as pg.PoolClient, POSTGRES_MIGRATIONS.slice(0, statsMigration(POSTGRES_MIGRATIONS)));
    for (const sql of [OLD_MERCHANT, ...insertsBeforeStats]) await client.query(sql);
    await client.end();
    const store = await schema.open();
    await expectBackfilled(store);
    await store.close();
    await schema.drop();
  });
});
