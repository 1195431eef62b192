import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../shared/message.schema.js';
import { MemoryBus } from '../bus/memory-bus.js';
import { PreferencesService } from '../services/preferences.service.js';
import { SQLITE_FILE_NAME, SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { createTestSchema, type TestSchema } from '../test-support/postgres-schema.js';
import { payloadOf, startPushTestBed, type PushTestBed } from '../test-support/push-test-server.js';
import { postgresAvailable, requireService, TEST_DATABASE_URL } from '../test-support/services.js';
import { tempDir } from '../test-support/test-server.js';
import { PreferencePushPolicy } from './preference-push-policy.js';

/*
 * A muted sender, on the server: no push for that sender's messages, pushes
 * for everyone else's. First through the whole app (HTTP save, real push
 * worker, loopback push service), then against both stores holding rows
 * written before `mutedSenders` existed, which must keep pushing.
 */

const postgres = requireService('PostgreSQL', await postgresAvailable());

const ACME = { id: 'seller-acme', name: 'Acme Outfitters', role: 'seller' };
const ZED = { id: 'seller-zed', name: 'Zed & Co', role: 'seller' };

describe('push policy: a muted sender, through the app', () => {
  let bed: PushTestBed;
  beforeAll(async () => {
    bed = await startPushTestBed();
  });
  afterAll(() => bed.close());

  async function mute(userId: string, mutedSenders: string[], changedAt: string): Promise<void> {
    const res = await fetch(`${bed.server.url}/api/v1/me/preferences`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await bed.server.tokenFor(userId)}` },
      body: JSON.stringify({ preferences: { mutedSenders }, changedAt }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { preferences: { mutedSenders: string[] } }).preferences.mutedSenders).toEqual(mutedSenders);
  }

  // Until seller keys exist the platform key sends with an explicit sender; a seller key's messages carry the same.
  const fromSender = (sender: object, title: string, priority = 3) => ({ type: 'user', category: 'chat', sender, title, priority });

  it('does not wake a device for a muted sender’s message, urgent included, but does for another sender’s', async () => {
    const device = await bed.device('ms-shopper');
    await mute('ms-shopper', [ACME.id], '2026-01-01T00:00:01.000Z');

    const muted = await bed.send(['ms-shopper'], fromSender(ACME, 'Acme: new arrivals', 5));
    const other = await bed.send(['ms-shopper'], fromSender(ZED, 'Zed: your parcel'));
    const noSender = await bed.send(['ms-shopper'], { title: 'Order #5 shipped' });

    expect(await bed.settled(muted)).toMatchObject({ pushTargets: 1, pushed: 0, pushSkipped: 1 });
    expect(await bed.settled(other)).toMatchObject({ pushTargets: 1, pushed: 1, pushSkipped: 0 });
    expect(await bed.settled(noSender)).toMatchObject({ pushTargets: 1, pushed: 1, pushSkipped: 0 });
    expect(bed.push.receivedFor(device.json.endpoint).map((p) => payloadOf(p).message.title)).toEqual(['Zed: your parcel', 'Order #5 shipped']);
  });

  it('mutes only the shopper who asked, and pushes again once unmuted', async () => {
    const mine = await bed.device('ms-unmute');
    const theirs = await bed.device('ms-neighbour');
    await mute('ms-unmute', [ACME.id], '2026-01-01T00:00:01.000Z');

    const first = await bed.send(['ms-unmute', 'ms-neighbour'], fromSender(ACME, 'Acme: sale'));
    expect(await bed.settled(first)).toMatchObject({ pushTargets: 2, pushed: 1, pushSkipped: 1 });
    expect(bed.push.receivedFor(theirs.json.endpoint)).toHaveLength(1);
    expect(bed.push.receivedFor(mine.json.endpoint)).toEqual([]);

    await mute('ms-unmute', [], '2026-01-01T00:00:02.000Z');
    expect(await bed.settled(await bed.send(['ms-unmute'], fromSender(ACME, 'Acme: back in stock')))).toMatchObject({ pushed: 1 });
    expect(bed.push.receivedFor(mine.json.endpoint).map((p) => payloadOf(p).message.title)).toEqual(['Acme: back in stock']);
  });
});

/** Rows as a Tidings without muted senders wrote them: the same JSON, no `mutedSenders`. */
const OLD_ROW = JSON.stringify({ mutedCategories: ['promotion'], minPushPriority: 1, quietHours: null, timeZone: 'UTC' });
const NEW_ROW = JSON.stringify({ mutedCategories: [], minPushPriority: 1, quietHours: null, timeZone: 'UTC', mutedSenders: [ACME.id] });

function message(sender?: typeof ACME): Message {
  return { id: 'm1', type: sender ? 'user' : 'system', category: 'chat', priority: 5, title: 't', createdAt: '2026-01-01T00:00:00.000Z', ...(sender && { sender: { ...sender, role: 'seller' as const } }) };
}

function policyOver(store: Store): PreferencePushPolicy {
  const preferences = new PreferencesService({ store, bus: new MemoryBus(), logger: pino({ level: 'silent' }), cacheMs: 0 });
  return new PreferencePushPolicy(preferences);
}

async function expectStoredRowsHonoured(store: Store, writeRow: (userId: string, json: string) => Promise<void>): Promise<void> {
  await writeRow('old-shopper', OLD_ROW);
  await writeRow('new-shopper', NEW_ROW);
  expect((await store.getPreferences('old-shopper'))?.preferences.mutedSenders).toEqual([]);
  expect((await store.getPreferences('new-shopper'))?.preferences.mutedSenders).toEqual([ACME.id]);

  const policy = policyOver(store);
  expect(await policy.shouldPush('old-shopper', message(ACME))).toBe(true);
  expect(await policy.shouldPush('new-shopper', message(ACME))).toBe(false);
  expect(await policy.shouldPush('new-shopper', message(ZED))).toBe(true);
  expect(await policy.shouldPush('new-shopper', message())).toBe(true);
}

describe('push policy: preferences stored before muted senders existed', () => {
  it('on SQLite', async () => {
    const dir = tempDir();
    const store = SqliteStore.open(dir);
    const raw = new Database(path.join(dir, SQLITE_FILE_NAME));
    try {
      await expectStoredRowsHonoured(store, async (userId, json) => {
        raw.prepare('INSERT INTO shopper_preferences (user_id, preferences_json, changed_at) VALUES (?, ?, ?)').run(userId, json, '2025-06-01T00:00:00.000Z');
      });
    } finally {
      raw.close();
      await store.close();
    }
  });

  it.skipIf(!postgres)('on PostgreSQL', async () => {
    const schema: TestSchema = await createTestSchema();
    const store = await schema.open();
    const raw = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await raw.connect();
    try {
      await expectStoredRowsHonoured(store, async (userId, json) => {
        await raw.query(`INSERT INTO ${schema.name}.shopper_preferences (user_id, preferences_json, changed_at) VALUES ($1, $2, $3)`, [
          userId,
          json,
          '2025-06-01T00:00:00.000Z',
        ]);
      });
    } finally {
      await raw.end();
      await store.close();
      await schema.drop();
    }
  });
});
