/**
 * RabbitMQ ingest benchmark (issue 10): messages/s consumed from RabbitMQ and
 * durably stored (acked only after the commit), beside `POST /api/v1/messages`
 * at the same concurrency (AMQP_PREFETCH = HTTP requests in flight), on the
 * same Tidings process, in the same run. Both carry an idempotency key (the
 * AMQP message_id; the HTTP Idempotency-Key), so both do the same work.
 *
 *   npm run bench:amqp [-- --messages 5000 --concurrency 32 --data-root /dev/shm]
 *
 * Needs RabbitMQ (BENCH_AMQP_URL, default amqp://guest:guest@127.0.0.1:5672).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import amqp from 'amqplib';
import { Pool } from 'undici';
import { deadLetterQueueOf } from '../server/amqp/amqp-consumer.js';
import { startServerProcess, type ServerProcess } from '../server/test-support/server-process.js';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '32' },
    'data-root': { type: 'string' },
  },
});
const MESSAGES = Number(values.messages);
const CONCURRENCY = Number(values.concurrency);
const WARM_UP = 1000;
const AMQP_URL = process.env.BENCH_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const KEY = 'tdk_bench-merchant-key-0123456789abcdef';
const QUEUE = `tidings.bench.${randomUUID().slice(0, 8)}`;
const dataRoot = values['data-root'] ?? os.tmpdir();
const cleanup: (() => void)[] = [];
process.on('exit', () => cleanup.forEach((fn) => fn()));

const body = (i: number) =>
  JSON.stringify({ to: { userIds: [`shopper-${i % 1000}`] }, category: 'order', title: `Order #${i} shipped`, body: 'On its way' });

/** Closed loop: CONCURRENCY workers, each sending its next request when the previous one is answered 202. */
async function httpSends(url: string, count: number): Promise<{ perSecond: number; errors: number }> {
  const pool = new Pool(url, { connections: CONCURRENCY, pipelining: 1 });
  let next = 0;
  let errors = 0;
  const run = randomUUID();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        const res = await pool.request({
          method: 'POST',
          path: '/api/v1/messages',
          headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'idempotency-key': `${run}-${i}` },
          body: body(i),
        });
        await res.body.dump();
        if (res.statusCode !== 202) errors++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return { perSecond: count / seconds, errors };
}

async function metric(server: ServerProcess, name: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(name))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

/**
 * Publishes `count` messages (confirmed, persistent, each with a message_id)
 * and times until the server has acked all of them, i.e. stored them. The
 * publisher outruns the consumer, so the queue, not the publisher, feeds it.
 */
async function amqpSends(server: ServerProcess, channel: amqp.ConfirmChannel, count: number): Promise<{ perSecond: number }> {
  const before = await metric(server, 'tidings_amqp_consumed_total');
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const ok = channel.sendToQueue(QUEUE, Buffer.from(body(i)), { persistent: true, messageId: randomUUID(), contentType: 'application/json' });
    if (!ok) await new Promise((resolve) => channel.once('drain', resolve));
  }
  await channel.waitForConfirms();
  while ((await metric(server, 'tidings_amqp_consumed_total')) < before + count) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { perSecond: count / ((performance.now() - started) / 1000) };
}

async function main(): Promise<void> {
  const connection = await amqp.connect(AMQP_URL);
  const channel = await connection.createConfirmChannel();
  await channel.assertQueue(QUEUE, { durable: true });
  const dataDir = fs.mkdtempSync(path.join(dataRoot, 'tidings-amqp-bench-'));
  cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const server = await startServerProcess({
    DATA_DIR: dataDir,
    BOOTSTRAP_MERCHANT_KEY: KEY,
    AMQP_URL,
    AMQP_QUEUE: QUEUE,
    AMQP_EVENTS_EXCHANGE: `${QUEUE}.events`,
    AMQP_MERCHANT_KEY: KEY,
    AMQP_PREFETCH: String(CONCURRENCY),
    // The benchmark measures the pipeline, not the limiter.
    RATE_LIMIT_MERCHANT_PER_SECOND: '0',
    RATE_LIMIT_IP_PER_SECOND: '0',
    LOG_LEVEL: 'error',
  });
  cleanup.push(() => server.child.kill('SIGKILL'));
  const load = os.loadavg()[0]!.toFixed(2);
  process.stdout.write(`${MESSAGES} messages each way, concurrency ${CONCURRENCY} (HTTP in flight = AMQP prefetch), one Tidings process on SQLite in ${dataRoot}; load average ${load}\n`);

  // A warm-up each first, so JIT and page cache favour neither; then each twice, alternating, best kept.
  await httpSends(server.url, WARM_UP);
  await amqpSends(server, channel, WARM_UP);
  const http = [await httpSends(server.url, MESSAGES)];
  const queued = [await amqpSends(server, channel, MESSAGES)];
  http.push(await httpSends(server.url, MESSAGES));
  queued.push(await amqpSends(server, channel, MESSAGES));
  const deadLettered = await metric(server, 'tidings_amqp_dead_lettered_total');
  const requeued = await metric(server, 'tidings_amqp_requeued_total');
  server.child.kill('SIGKILL');
  await channel.deleteQueue(QUEUE);
  await channel.deleteQueue(deadLetterQueueOf(QUEUE));
  await channel.deleteExchange(`${QUEUE}.events`);
  await connection.close();

  const bestHttp = Math.max(...http.map((r) => r.perSecond));
  const bestAmqp = Math.max(...queued.map((r) => r.perSecond));
  const rows: [string, string, string][] = [
    ['POST /api/v1/messages (Idempotency-Key), msg/s', bestHttp.toFixed(0), '100%'],
    ['RabbitMQ consumed + stored + acked (message_id), msg/s', bestAmqp.toFixed(0), `${((bestAmqp / bestHttp) * 100).toFixed(0)}%`],
    ['runs (HTTP | AMQP), msg/s', `${http.map((r) => r.perSecond.toFixed(0)).join(', ')} | ${queued.map((r) => r.perSecond.toFixed(0)).join(', ')}`, ''],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write(`\n${'figure'.padEnd(width)} | ${'value'.padStart(10)} | vs HTTP\n${'-'.repeat(width + 24)}\n`);
  for (const [label, value, vs] of rows) process.stdout.write(`${label.padEnd(width)} | ${value.padStart(10)} | ${vs}\n`);
  process.stdout.write(`non-202 answers: ${http.reduce((n, r) => n + r.errors, 0)}; dead-lettered: ${deadLettered}; requeued: ${requeued}; load average after ${os.loadavg()[0]!.toFixed(2)}\n`);
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
