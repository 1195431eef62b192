import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messagesOf } from '../../shared/event.schema.js';
import { SQLITE_FILE_NAME, SqliteStore } from '../store/sqlite/sqlite-store.js';
import { api, until } from '../test-support/api.js';
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

describe('topic fan-out across a crash', () => {
  it('resumes from the stored position: every subscriber once, none skipped', async () => {
    const dir = tempDir();
    const file = path.join(dir, SQLITE_FILE_NAME);
    const before = new SqliteStore(file);
    await before.createMerchant({ id: 'm1', name: 'm', keyHash: 'h', createdAt: new Date().toISOString() });
    const users = Array.from({ length: 7 }, (_, i) => `crash-${i}`);
    for (const userId of users) await before.lifecycle.subscribeTopic(userId, 'news', Date.now() - 1000);
    const now = Date.now();
    await before.lifecycle.accept({
      message: { id: 'bcast', type: 'system', category: 'promotion', priority: 3, title: 'News', createdAt: new Date(now).toISOString() },
      merchantId: 'm1',
      target: { topic: 'news' },
      now,
    });
    // A subscriber who joins after the send is not part of this broadcast.
    await before.lifecycle.subscribeTopic('crash-late', 'news', now + 1);
    const firstBatch = await before.lifecycle.fanOutBatch(now, 3);
    expect(firstBatch.events).toHaveLength(3);
    // "Crash": drop this connection without finishing and open the file afresh.
    await before.close();
    const after = new SqliteStore(file);
    let more = true;
    while (more) more = (await after.lifecycle.fanOutBatch(now, 3)).more;
    for (const userId of users) {
      expect(messagesOf(await after.readEvents(userId, 0, 10)).map((m) => m.id)).toEqual(['bcast']);
    }
    expect(await after.readEvents('crash-late', 0, 10)).toEqual([]);
    expect((await after.lifecycle.getStatus('bcast'))!.status).toBe('sent');
    expect((await after.getMessage('bcast'))!.recipients).toBe(7);
    await after.close();
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
