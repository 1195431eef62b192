import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messagesOf } from '../../shared/event.schema.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { TestRedisServer } from '../test-support/redis-server.js';
import { requireService, type Availability } from '../test-support/services.js';
import { StreamClient } from '../test-support/stream-client.js';
import { messageTo, startTestServer, tempDir, type TestServer } from '../test-support/test-server.js';
import { eventuallyHolds } from '../test-support/eventually.js';
import { RedisBus } from './redis-bus.js';

async function redisServerAvailable(): Promise<Availability> {
  try {
    const server = await TestRedisServer.start();
    await server.kill();
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: `cannot start redis-server (${err instanceof Error ? err.message : String(err)})` };
  }
}

const runs = requireService('Redis restart', await redisServerAvailable());
const logger = pino({ level: 'silent' });

/**
 * Two instances on one store, each with its own RedisBus, and the test's own
 * redis-server, which it kills (SIGKILL) and restarts under load. The shopper
 * is on A; the merchant sends through B, so every live event crosses Redis.
 */
describe.skipIf(!runs)('Redis restart under load', () => {
  let redis: TestRedisServer;
  let store: SqliteStore;
  let busA: RedisBus;
  let busB: RedisBus;
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    redis = await TestRedisServer.start();
    store = SqliteStore.open(tempDir());
    const channelPrefix = `tidings-test:${randomUUID()}:`;
    busA = await RedisBus.connect({ url: redis.url, logger, channelPrefix, maxReconnectDelayMs: 100 });
    busB = await RedisBus.connect({ url: redis.url, logger, channelPrefix, maxReconnectDelayMs: 100 });
    a = await startTestServer({ store, bus: busA });
    b = await startTestServer({ store, bus: busB });
  });

  afterAll(async () => {
    // Apps first, then the shared store once: TestServer.close would close the store under the other app.
    await a?.app.close();
    await b?.app.close();
    await busA?.close();
    await busB?.close();
    await store?.close();
    await redis?.kill();
  });

  it('delivers everything sent through B before, during and after the restart to a shopper on A, once and in order', async () => {
    const token = await a.tokenFor('shopper-1');
    const client = await StreamClient.connect(a.wsUrl, token);
    let gaps = 0;
    const stopWatching = busA.subscribe('shopper-1', () => {}, () => gaps++);
    await busA.settled();
    const gapsBefore = gaps;

    let sent = 0;
    const sendBatch = async (count: number) => {
      // A few at once, so seq order and arrival order can differ, as under real load.
      const titles = Array.from({ length: count }, () => `m${sent++}`);
      const answers = await Promise.all(titles.map((title) => b.send(messageTo(['shopper-1'], { title }))));
      for (const res of answers) expect(res.status).toBe(202);
    };

    for (let i = 0; i < 5; i++) await sendBatch(4);
    await client.waitForEvents(sent);

    await redis.kill();
    // Sent while Redis is down: B's publishes fail, and nothing later in this phase would reveal the gap.
    for (let i = 0; i < 5; i++) await sendBatch(4);
    await redis.restart();
    // No more sends yet: only the resync after the reconnect can bring these to A.
    await client.waitForEvents(sent, 10_000);
    expect(gaps).toBeGreaterThan(gapsBefore);

    for (let i = 0; i < 5; i++) await sendBatch(4);
    await client.waitForEvents(sent, 10_000);

    const seqs = client.events.map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: sent }, (_, i) => seqs[0]! + i)); // Consecutive: no gap, no duplicate.
    const titles = messagesOf(client.events).map((m) => m.title);
    expect(new Set(titles)).toEqual(new Set(Array.from({ length: sent }, (_, i) => `m${i}`)));
    expect(titles).toHaveLength(sent);
    stopWatching();
    client.close();
  });

  it('tells every local subscriber to resync after the subscriber connection comes back', async () => {
    let gaps = 0;
    busA.subscribe('shopper-2', () => {}, () => gaps++);
    await busA.settled();
    const before = gaps;
    await redis.restart();
    await eventuallyHolds(() => gaps > before, 'a resync after the restart', 10_000);
  });
});
