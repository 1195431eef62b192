import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../test-support/server-process.js';
import { rabbitmqAvailable, requireService, TEST_AMQP_URL } from '../test-support/services.js';
import { messageTo, tempDir } from '../test-support/test-server.js';
import { deadLetterQueueOf } from './amqp-consumer.js';
import { eventually } from '../test-support/eventually.js';
import { TestBroker, titlesHeldBy, uniqueName } from './test-broker.js';

const runs = requireService('RabbitMQ server restart', await rabbitmqAvailable());
const KEY = 'tdk_amqp-restart-test-key-0123456789abcdef';
const running: ServerProcess[] = [];

async function consumed(server: ServerProcess): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('tidings_amqp_consumed_total'));
  return line ? Number(line.split(' ').pop()) : 0;
}

async function token(server: ServerProcess, userId: string): Promise<string> {
  const res = await fetch(`${server.url}/api/v1/shopper-tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ userId }),
  });
  return ((await res.json()) as { token: string }).token;
}

describe.skipIf(!runs)('the server process consuming from RabbitMQ', () => {
  let broker: TestBroker;
  let queue: string;
  let exchange: string;

  beforeAll(async () => {
    broker = await TestBroker.open();
    queue = await broker.queue(uniqueName('tidings.test.send'));
    await broker.queue(deadLetterQueueOf(queue));
    exchange = uniqueName('tidings.test.events');
  });

  afterEach(() => {
    for (const server of running.splice(0)) server.child.kill('SIGKILL');
  });

  afterAll(async () => {
    await broker?.channel.deleteExchange(exchange).catch(() => undefined);
    await broker?.close();
  });

  it('refuses to start when no merchant has AMQP_MERCHANT_KEY, naming the variable', async () => {
    const env = { DATA_DIR: tempDir(), BOOTSTRAP_MERCHANT_KEY: KEY, AMQP_URL: TEST_AMQP_URL, AMQP_QUEUE: queue, AMQP_MERCHANT_KEY: `${KEY}-unknown`, AMQP_EVENTS_EXCHANGE: exchange };
    await expect(startServerProcess(env)).rejects.toThrow(/AMQP_MERCHANT_KEY: no merchant has this key/);
  });

  it('SIGKILLed mid-consumption and restarted: nothing lost, nothing twice', async () => {
    const dataDir = tempDir();
    const env = { DATA_DIR: dataDir, BOOTSTRAP_MERCHANT_KEY: KEY, AMQP_URL: TEST_AMQP_URL, AMQP_QUEUE: queue, AMQP_MERCHANT_KEY: KEY, AMQP_EVENTS_EXCHANGE: exchange };
    const first = await startServerProcess(env);
    running.push(first);
    const shoppers = [`k1-${randomUUID().slice(0, 6)}`, `k2-${randomUUID().slice(0, 6)}`];
    const total = 2000;
    const titles = Array.from({ length: total }, (_, i) => `t${i}`);
    const published = broker.publishAll(
      queue,
      titles.map((title, i) => ({ body: messageTo([shoppers[i % 2]!], { title }), messageId: randomUUID() })),
    );

    await eventually(async () => expect(await consumed(first)).toBeGreaterThanOrEqual(200), 20_000, 5);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    await published;
    // The broker takes back what the dead consumer held unacked: some, but not all, had been consumed at the kill.
    const leftAfterKill = await eventually(async () => {
      const ready = await broker.ready(queue);
      expect(ready).toBeGreaterThan(0);
      return ready;
    });
    expect(leftAfterKill).toBeLessThan(total);

    const second = await startServerProcess(env);
    running.push(second);
    const tokens = await Promise.all(shoppers.map((s) => token(second, s)));
    await eventually(async () => expect(await broker.ready(queue)).toBe(0), 30_000, 200);
    for (const [i, shopperToken] of tokens.entries()) {
      const expected = titles.filter((_, n) => n % 2 === i);
      await eventually(async () => expect((await titlesHeldBy(second.url, shopperToken)).length).toBe(expected.length), 30_000, 200);
      const held = await titlesHeldBy(second.url, shopperToken);
      expect([...held].sort()).toEqual([...expected].sort());
    }
    expect(await broker.ready(deadLetterQueueOf(queue))).toBe(0);
  });

  it('stops consuming on SIGTERM, finishes what it holds, exits 0; the rest waits in the queue', async () => {
    const dataDir = tempDir();
    const env = { DATA_DIR: dataDir, BOOTSTRAP_MERCHANT_KEY: KEY, AMQP_URL: TEST_AMQP_URL, AMQP_QUEUE: queue, AMQP_MERCHANT_KEY: KEY, AMQP_EVENTS_EXCHANGE: exchange };
    const first = await startServerProcess(env);
    running.push(first);
    const shopper = `term-${randomUUID().slice(0, 6)}`;
    const titles = Array.from({ length: 1000 }, (_, i) => `s${i}`);
    const published = broker.publishAll(
      queue,
      titles.map((title) => ({ body: messageTo([shopper], { title }), messageId: randomUUID() })),
    );
    await eventually(async () => expect(await consumed(first)).toBeGreaterThanOrEqual(100), 20_000, 5);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    await published;
    expect(await broker.ready(queue)).toBeGreaterThan(0);

    const second = await startServerProcess(env);
    running.push(second);
    const shopperToken = await token(second, shopper);
    await eventually(async () => expect((await titlesHeldBy(second.url, shopperToken)).length).toBe(titles.length), 30_000, 200);
    expect([...(await titlesHeldBy(second.url, shopperToken))].sort()).toEqual([...titles].sort());
  });
});
