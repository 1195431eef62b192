import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messagesOf } from '../../shared/event.schema.js';
import { SQLITE_FILE_NAME, SqliteStore } from '../store/sqlite/sqlite-store.js';
import { api, until } from '../test-support/api.js';
import { startServerProcess, type ServerProcess } from '../test-support/server-process.js';
import { StreamClient } from '../test-support/stream-client.js';
import { messageTo, startTestServer, tempDir, type TestServer } from '../test-support/test-server.js';

let server: TestServer;
// Batches of 2 so even a small test crosses several fan-out transactions.
beforeAll(async () => {
  server = await startTestServer({ lifecycle: { fanOutBatchSize: 2, fanOutPollMs: 50 } });
});
afterAll(() => server.close());

async function join(userId: string, topic: string, method = 'PUT') {
  return api(server.url, method, `/me/topics/${encodeURIComponent(topic)}`, undefined, { credential: await server.tokenFor(userId) });
}

describe('topics', () => {
  it('lets a shopper join, list and leave topics', async () => {
    expect((await join('t-list', 'promotions')).status).toBe(204);
    expect((await join('t-list', 'store:acme')).status).toBe(204);
    expect((await join('t-list', 'promotions')).status).toBe(204);
    const token = await server.tokenFor('t-list');
    expect((await api(server.url, 'GET', '/me/topics', undefined, { credential: token })).body).toEqual({ topics: ['promotions', 'store:acme'] });
    expect((await join('t-list', 'promotions', 'DELETE')).status).toBe(204);
    expect((await api(server.url, 'GET', '/me/topics', undefined, { credential: token })).body).toEqual({ topics: ['store:acme'] });
  });

  it.each(['Promotions', 'has space', '-dash-first', 'x'.repeat(65)])('refuses the topic name %j with 400', async (topic) => {
    const res = await join('t-bad', topic);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation-failed');
    expect(await server.store.lifecycle.listTopics('t-bad')).toEqual([]);
  });

  it('needs a shopper token to join', async () => {
    const res = await api(server.url, 'PUT', '/me/topics/promotions');
    expect(res.status).toBe(403);
  });

  it('reaches subscribers only, live and through sync, with gap-free logs', async () => {
    const subscribers = ['t-sub-1', 't-sub-2', 't-sub-3', 't-sub-4', 't-sub-5'];
    for (const userId of subscribers) await join(userId, 'flash-sale');
    await join('t-left', 'flash-sale');
    await join('t-left', 'flash-sale', 'DELETE');
    // A direct message first, so the broadcast lands at seq 2 in that log.
    await api(server.url, 'POST', '/messages', messageTo(['t-sub-1']));
    const live = await StreamClient.connect(server.wsUrl, await server.tokenFor('t-sub-1'));

    const res = await api(server.url, 'POST', '/messages', { to: { topic: 'flash-sale' }, category: 'promotion', title: '50% off today' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'queued', recipients: 0 });

    await live.waitForEvents(2);
    expect(live.events.map((e) => e.seq)).toEqual([1, 2]);
    expect(live.titles[1]).toBe('50% off today');
    for (const userId of subscribers) {
      const events = await until(() => server.store.readEvents(userId, 0, 10), (e) => e.some((x) => x.kind === 'message' && x.message.id === res.body.id));
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(messagesOf(events).filter((m) => m.id === res.body.id)).toHaveLength(1);
    }
    expect(await server.store.readEvents('t-left', 0, 10)).toEqual([]);
    expect(await server.store.readEvents('t-never', 0, 10)).toEqual([]);
    const status = await until(() => api(server.url, 'GET', `/messages/${res.body.id}`), (r) => r.body.status === 'sent');
    expect(status.body).toMatchObject({ recipients: 5, to: { topic: 'flash-sale' } });
    live.close();
  });

  it('refuses a message to both userIds and a topic, or to a bad topic', async () => {
    for (const to of [{ userIds: ['t-x'], topic: 'promotions' }, {}, { topic: 'Bad Topic' }]) {
      const res = await api(server.url, 'POST', '/messages', { to, category: 'promotion', title: 'x' });
      expect(res.status).toBe(400);
    }
    expect(await server.store.readEvents('t-x', 0, 10)).toEqual([]);
  });
});

describe('topic fan-out across a real crash', () => {
  const KEY = 'tdk_topics-crash-key-0123456789abcdef';
  // Enough subscribers for several fan-out transactions (4,000 each by default), so the kill can land between two.
  const SUBSCRIBERS = 20_000;
  const users = Array.from({ length: SUBSCRIBERS }, (_, i) => `sub-${String(i).padStart(5, '0')}`);
  const running: ServerProcess[] = [];
  afterAll(() => {
    for (const child of running) child.child.kill('SIGKILL');
  });

  async function start(dataDir: string): Promise<ServerProcess> {
    const child = await startServerProcess({ DATA_DIR: dataDir, BOOTSTRAP_MERCHANT_KEY: KEY });
    running.push(child);
    return child;
  }

  /** How many of the subscribers hold the broadcast, and how many times each, read from the file itself. */
  async function holders(dataDir: string, messageId: string): Promise<Map<string, number>> {
    const store = SqliteStore.open(dataDir);
    try {
      const counts = new Map<string, number>();
      for (const userId of [...users, 'sub-zz-late']) {
        const times = messagesOf(await store.readEvents(userId, 0, 10)).filter((m) => m.id === messageId).length;
        if (times > 0) counts.set(userId, times);
      }
      return counts;
    } finally {
      await store.close();
    }
  }

  it('SIGKILLed mid-fan-out and restarted: every subscriber holds the broadcast exactly once, none skipped', { retry: 2 }, async () => {
    const dataDir = tempDir();
    await (SqliteStore.open(dataDir)).close(); // the schema
    // The subscriptions in one transaction: 20,000 calls of subscribeTopic would be 20,000 commits,
    // each waiting for an fsync (about 2 ms on a slow disk: longer than the test's time).
    const seed = new Database(path.join(dataDir, SQLITE_FILE_NAME));
    const subscribe = seed.prepare('INSERT INTO topic_subscriptions (topic, user_id, subscribed_at) VALUES (?, ?, ?)');
    const joinedAt = Date.now() - 1_000;
    seed.transaction(() => users.forEach((userId) => subscribe.run('news', userId, joinedAt)))();
    seed.close();

    const first = await start(dataDir);
    const sent = await api(first.url, 'POST', '/messages', { to: { topic: 'news' }, category: 'promotion', title: 'News' }, { credential: KEY });
    expect(sent.status).toBe(202);
    const id: string = sent.body.id;
    // Joins after the send (and sorts last): not part of this broadcast, before or after the crash.
    const late = await api(first.url, 'POST', '/shopper-tokens', { userId: 'sub-zz-late' }, { credential: KEY });
    expect((await api(first.url, 'PUT', '/me/topics/news', undefined, { credential: late.body.token })).status).toBe(204);

    // Kill as soon as the status shows some recipients reached and not all.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const { recipients } = (await api(first.url, 'GET', `/messages/${id}`, undefined, { credential: KEY })).body as { recipients: number };
      if (recipients > 0) break;
      if (Date.now() > deadline) throw new Error('the fan-out never started');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    first.child.kill('SIGKILL');
    await first.exited;

    // Mid-fan-out, provably: what the killed process committed reached some subscribers and not all.
    const atKill = await holders(dataDir, id);
    expect(atKill.size).toBeGreaterThan(0);
    expect(atKill.size, 'the fan-out finished before the kill; this run proves nothing').toBeLessThan(SUBSCRIBERS);

    const second = await start(dataDir);
    const done = await until(
      () => api(second.url, 'GET', `/messages/${id}`, undefined, { credential: KEY }),
      (r) => r.body.status === 'sent',
      30_000,
    );
    expect(done.body.recipients).toBe(SUBSCRIBERS);
    second.child.kill('SIGKILL');
    await second.exited;
    const after = await holders(dataDir, id);
    expect(after.size).toBe(SUBSCRIBERS);
    expect([...after.values()].every((times) => times === 1)).toBe(true);
    expect(after.has('sub-zz-late')).toBe(false);
  });
});

describe('topic fan-out and expiry', () => {
  it('never appends or pushes a broadcast that expired before the fan-out reached anyone', async () => {
    const store = SqliteStore.open(tempDir());
    await store.createMerchant({ id: 'm1', name: 'm', keyHash: 'h', createdAt: new Date().toISOString() });
    await store.lifecycle.subscribeTopic('exp-1', 'deals', Date.now() - 1000);
    const now = Date.now();
    await store.lifecycle.accept({
      message: { id: 'gone', type: 'system', category: 'promotion', priority: 3, title: 'Ends now', createdAt: new Date(now).toISOString(), expiresAt: new Date(now + 10).toISOString() },
      merchantId: 'm1',
      target: { topic: 'deals' },
      now,
    });
    expect((await store.lifecycle.fanOutBatch(now + 20, 10)).events).toEqual([]);
    expect(await store.readEvents('exp-1', 0, 10)).toEqual([]);
    expect((await store.lifecycle.getStatus('gone'))!.status).toBe('expired');
    expect((await store.getMessage('gone'))!.push.targets).toBe(0);
    await store.close();
  });
});
