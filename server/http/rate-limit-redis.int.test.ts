import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../test-support/server-process.js';
import { redisAvailable, requireService, TEST_REDIS_URL } from '../test-support/services.js';
import { messageTo, startTestServer, tempDir, type TestServer } from '../test-support/test-server.js';
import type { RateLimits } from './rate-limit.js';
import { RedisRateLimits } from './redis-rate-limits.js';

const runs = requireService('Shared rate limits (Redis)', await redisAvailable());

const servers: TestServer[] = [];
const limiters: RedisRateLimits[] = [];
const processes: ServerProcess[] = [];
afterEach(async () => {
  for (const p of processes.splice(0)) p.child.kill('SIGKILL');
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(limiters.splice(0).map((l) => l.close()));
});

/** Two instances sharing one Redis under a prefix of their own, as a deployment would. */
async function twoInstances(rateLimits: RateLimits): Promise<[TestServer, TestServer]> {
  const prefix = `tidings-test:${randomBytes(6).toString('hex')}:`;
  for (let i = 0; i < 2; i++) servers.push(await startTestServer({ rateLimits, rateLimitRedis: { url: TEST_REDIS_URL, prefix } }));
  return [servers[0]!, servers[1]!];
}

const OFF = { perSecond: 0, burst: 1 };
// So slow that no token comes back during a test.
const SLOW = 0.01;

describe.runIf(runs)('rate limits shared through Redis', () => {
  it('two instances together allow one IP the configured burst, not twice it', async () => {
    const [a, b] = await twoInstances({ merchant: OFF, ip: { perSecond: SLOW, burst: 4 } });
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push((await fetch(`${(i % 2 ? b : a).url}/api/v1/vapid-public-key`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429, 429, 429]);
  });

  it('two instances together allow one merchant key the configured burst, and refuse before storing', async () => {
    const [a, b] = await twoInstances({ merchant: { perSecond: SLOW, burst: 3 }, ip: OFF });
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await (i % 2 ? b : a).send(messageTo(['rl-shared'])));
    expect(answers.map((r) => r.status)).toEqual([202, 202, 202, 429, 429]);
    expect(Number(answers[3]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const stored = (await a.store.readEvents('rl-shared', 0, 10)).length + (await b.store.readEvents('rl-shared', 0, 10)).length;
    expect(stored).toBe(3);
  });

  it('is what two real processes with REDIS_URL do', async () => {
    const env = {
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: `tidings-test:${randomBytes(6).toString('hex')}:`,
      RATE_LIMIT_IP_PER_SECOND: String(SLOW),
      RATE_LIMIT_IP_BURST: '3',
    };
    for (let i = 0; i < 2; i++) processes.push(await startServerProcess({ ...env, DATA_DIR: tempDir() }));
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await fetch(`${processes[i % 2]!.url}/api/v1/vapid-public-key`)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
  });

  it('takes tokens like the in-memory bucket: the burst, then the wait for the next one', async () => {
    const limits = await RedisRateLimits.open({ url: TEST_REDIS_URL, prefix: `tidings-test:${randomBytes(6).toString('hex')}:`, logger: pino({ level: 'silent' }) });
    limiters.push(limits);
    const buckets = limits.buckets('ip', { perSecond: 2, burst: 3 });
    const waits = [];
    for (let i = 0; i < 4; i++) waits.push(await buckets.take('k'));
    expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
    expect(waits[3]).toBeGreaterThan(0);
    expect(waits[3]).toBeLessThanOrEqual(500);
    // Another key and another limit name are other buckets.
    expect(await buckets.take('other')).toBe(0);
    expect(await limits.buckets('merchant', { perSecond: 2, burst: 3 }).take('k')).toBe(0);
  });
});

describe('rate limits when Redis does not answer', () => {
  it('fail open: requests are served, and counted in /metrics', async () => {
    // Nothing listens on port 1: every command fails at once.
    servers.push(
      await startTestServer({ rateLimits: { merchant: OFF, ip: { perSecond: SLOW, burst: 1 } }, rateLimitRedis: { url: 'redis://127.0.0.1:1' } }),
    );
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${servers[0]!.url}/api/v1/vapid-public-key`)).status);
    expect(statuses).toEqual([200, 200, 200]);
    const metrics = await (await fetch(`${servers[0]!.url}/metrics`)).text();
    expect(Number(/^tidings_rate_limit_redis_unavailable_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(3);
  });
});
