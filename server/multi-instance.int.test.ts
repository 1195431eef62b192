import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messagesOf, syncResponseSchema, type SyncEvent } from '../shared/event.schema.js';
import { until } from './test-support/api.js';
import { createTestSchema, type TestSchema } from './test-support/postgres-schema.js';
import { startServerProcess, type ServerProcess } from './test-support/server-process.js';
import { postgresAvailable, redisAvailable, requireService, TEST_DATABASE_URL, TEST_REDIS_URL } from './test-support/services.js';
import { StreamClient } from './test-support/stream-client.js';
import { messageTo, tempDir } from './test-support/test-server.js';

const [postgres, redis] = await Promise.all([postgresAvailable(), redisAvailable()]);
const runs = requireService('Multi-instance (PostgreSQL)', postgres) && requireService('Multi-instance (Redis)', redis);

const KEY = 'tdk_multi-instance-key-0123456789abcdef';

/** The database URL of one schema: the store reads `search_path` from the connection's `options`. */
function databaseUrlFor(schema: string): string {
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

async function post(server: ServerProcess, path: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

async function tokenFor(server: ServerProcess, userId: string): Promise<string> {
  const res = await post(server, '/shopper-tokens', { userId });
  expect(res.status).toBe(201);
  return res.body.token as string;
}

/** The instance's completed scheduler passes, from its /metrics. */
async function schedulerSteps(server: ServerProcess): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const match = /^tidings_scheduler_steps_total (\d+)$/m.exec(text);
  if (!match) throw new Error('no tidings_scheduler_steps_total in /metrics');
  return Number(match[1]);
}

/** Every event in the shopper's log, following `more`. */
async function syncAll(server: ServerProcess, token: string): Promise<SyncEvent[]> {
  const events: SyncEvent[] = [];
  let after = '0';
  for (;;) {
    const res = await fetch(`${server.url}/api/v1/me/sync?after=${after}&limit=500`, { headers: { authorization: `Bearer ${token}` } });
    const page = syncResponseSchema.parse(await res.json());
    events.push(...page.events);
    after = page.cursor;
    if (!page.more) return events;
  }
}

/**
 * Two real server processes on one PostgreSQL schema and one Redis (channels
 * under a prefix of their own), as operators run them behind a load balancer.
 */
describe.skipIf(!runs)('two instances on one PostgreSQL and one Redis', () => {
  let schema: TestSchema;
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    schema = await createTestSchema();
    const env = {
      DATABASE_URL: databaseUrlFor(schema.name),
      DATABASE_POOL_SIZE: '4',
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: `tidings-test:${randomBytes(6).toString('hex')}:`,
      BOOTSTRAP_MERCHANT_KEY: KEY,
      RATE_LIMIT_MERCHANT_PER_SECOND: '0',
      RATE_LIMIT_IP_PER_SECOND: '0',
      DATA_DIR: tempDir(),
    };
    // One after the other: the first migrates and creates the bootstrap merchant, the second finds both.
    a = await startServerProcess(env);
    b = await startServerProcess(env);
  }, 45_000);

  afterAll(async () => {
    for (const server of [a, b]) {
      if (server && server.child.exitCode === null && server.child.signalCode === null) {
        server.child.kill('SIGKILL');
        await server.exited;
      }
    }
    await schema?.drop();
  });

  it('streams to a shopper on A what a merchant sends through B, live', async () => {
    const token = await tokenFor(a, 'mi-live');
    const client = await StreamClient.connect(a.wsUrl, token);
    expect((await post(b, '/messages', messageTo(['mi-live'], { title: 'via B' }))).status).toBe(202);
    await client.waitForEvents(1);
    expect(client.titles).toEqual(['via B']);
    client.close();
  });

  it('delivers a scheduled message once although both instances run schedulers', async () => {
    const token = await tokenFor(a, 'mi-scheduled');
    const dueAt = Date.now() + 1500;
    const sent = await post(a, '/messages', messageTo(['mi-scheduled'], { title: 'due', deliverAt: new Date(dueAt).toISOString() }));
    expect(sent.status).toBe(202);
    expect(sent.body.status).toBe('scheduled');
    const id = sent.body.id as string;
    const copies = async () => (await syncAll(b, token)).filter((e) => e.kind === 'message' && e.message.id === id);

    await until(copies, (events) => events.length >= 1, 10_000);
    // Both schedulers must have made a whole pass since the copy was committed: a pass already running when the
    // counter was read may end uncounted as yet, so two more passes on each instance include one that began after.
    const before = await Promise.all([schedulerSteps(a), schedulerSteps(b)]);
    await until(
      () => Promise.all([schedulerSteps(a), schedulerSteps(b)]),
      (now) => now[0]! >= before[0]! + 2 && now[1]! >= before[1]! + 2,
      10_000,
    );
    expect(await copies()).toHaveLength(1);
  });

  it('lets a shopper resume on B from its cursor after A is killed mid-send, with nothing missing or twice', async () => {
    const token = await tokenFor(b, 'mi-kill');
    const onA = await StreamClient.connect(a.wsUrl, token);

    const lanes = 3;
    const acknowledged: string[] = [];
    let killed = false;
    let sentAfterKill = 0;
    // Each lane keeps sending until A is dead, then five more, so messages are in flight on both sides of the kill.
    const send = async (lane: number) => {
      for (let i = 0, after = 0; after < 5 && i < 1000; i++) {
        if (killed) after++;
        const title = `k${lane}-${i}`;
        const res = await post(b, '/messages', messageTo(['mi-kill'], { title }));
        expect(res.status).toBe(202);
        acknowledged.push(title);
        if (killed) sentAfterKill++;
      }
    };
    const sending = Promise.all(Array.from({ length: lanes }, (_, lane) => send(lane)));

    try {
      await onA.waitForEvents(10, 10_000);
      a.child.kill('SIGKILL');
      await a.exited;
    } finally {
      killed = true;
    }
    await onA.closed;
    await sending;
    expect(sentAfterKill).toBeGreaterThanOrEqual(lanes * 4);

    const seenOnA = onA.events;
    const cursor = seenOnA.length > 0 ? String(seenOnA[seenOnA.length - 1]!.seq) : undefined;
    const onB = await StreamClient.connect(b.wsUrl, token, cursor);
    await onB.waitForEvents(acknowledged.length - seenOnA.length, 10_000);

    const events = [...seenOnA, ...onB.events];
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: acknowledged.length }, (_, i) => seqs[0]! + i)); // Consecutive: no gap, no duplicate.
    const titles = messagesOf(events).map((m) => m.title);
    expect(titles).toHaveLength(acknowledged.length);
    expect(new Set(titles)).toEqual(new Set(acknowledged));
    onB.close();
  }, 30_000);
});
