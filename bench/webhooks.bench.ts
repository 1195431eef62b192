/**
 * Webhook delivery benchmark (issue 10): signed deliveries per second from the
 * event outbox of a real Tidings process to a shop's endpoint on 127.0.0.1,
 * beside a bare undici loop that POSTs the same number of signed bodies to
 * the same endpoint at the worker's concurrency (its batch size), in the same
 * run. The endpoint verifies every signature with the SDK's `verifyWebhook`.
 *
 *   npm run bench:webhooks [-- --events 2000 --rounds 3 --concurrency 32 --rate 50 --seconds 4 --profile]
 *
 * Two phases, each for Tidings and for the bare loop:
 * - drain: N `message.read` events recorded at once (N reads in POST /me/state
 *   requests of 500), timed from the first event's timestamp to the last
 *   delivery received; the bare loop has all N bodies ready at its start.
 *   --rounds times each, alternating; the round with the best deliveries/s
 *   is kept for each, as the machine is shared and noisy.
 * - steady: one read per request at --rate for --seconds, so events trickle
 *   in as shoppers read; event → receipt latency when nothing queues.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { startServerProcess, type ServerProcess } from '../server/test-support/server-process.js';
import { newWebhookSecret, signWebhook } from '../server/webhooks/webhook-signature.js';
import { createTidingsClient, verifyWebhook } from '../shared/sdk/tidings-client.js';
import { log, percentile } from './report.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '2000' },
    // WebhookWorker's default batchSize: the deliveries it sends at once.
    concurrency: { type: 'string', default: '32' },
    rate: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    profile: { type: 'boolean', default: false },
    'data-root': { type: 'string' },
  },
});
const EVENTS = Number(values.events);
const CONCURRENCY = Number(values.concurrency);
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const KEY = 'tdk_bench-merchant-key-0123456789abcdef';
const SHOPPER = 'bench-reader';
const dataRoot = values['data-root'] ?? os.tmpdir();
const here = path.dirname(fileURLToPath(import.meta.url));
const cleanup: (() => void)[] = [];
process.on('exit', () => cleanup.forEach((fn) => fn()));
// A run that hangs (a lost delivery) ends by itself.
setTimeout(() => {
  process.stderr.write('webhooks bench: watchdog, 5 minutes passed\n');
  process.exit(2);
}, 5 * 60_000).unref();

/** The shop's endpoint: verifies each delivery with the SDK, answers 204 (400 if refused), notes when each event arrived. */
class Receiver {
  /** Event timestamp (ms) and receipt time (ms) per verified delivery, keyed by webhook-id (a redelivery counts once). */
  readonly receipts = new Map<string, { eventAt: number; at: number }>();
  refused = 0;
  secret = '';
  private waiting: { count: number; resolve: () => void } | undefined;

  private constructor(readonly server: http.Server) {}

  static async start(): Promise<Receiver> {
    let receiver: Receiver | undefined;
    const server = http.createServer((req, res) => receiver!.handle(req, res));
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiver = new Receiver(server);
    return receiver;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  reset(secret: string): void {
    this.receipts.clear();
    this.refused = 0;
    this.secret = secret;
  }

  until(count: number): Promise<void> {
    if (this.receipts.size >= count) return Promise.resolve();
    return new Promise((resolve) => (this.waiting = { count, resolve }));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      verifyWebhook(body, req.headers, this.secret).then(
        (event) => {
          const at = Date.now();
          const id = String(req.headers['webhook-id']);
          if (!this.receipts.has(id)) this.receipts.set(id, { eventAt: Date.parse(event.timestamp), at });
          res.writeHead(204).end();
          if (this.waiting && this.receipts.size >= this.waiting.count) this.waiting.resolve();
        },
        () => {
          this.refused++;
          res.writeHead(400).end();
        },
      );
    });
  }
}

interface Figures {
  perSecond: number;
  /** First event recorded → first delivery received: how long the work waited before the first send. */
  firstMs: number;
  /** Deliveries/s from the first receipt to the last: the sending rate once sending started. */
  afterFirstPerSecond: number;
  p50: number;
  p99: number;
  max: number;
}

function figuresOf(receiver: Receiver, count: number): Figures {
  const receipts = [...receiver.receipts.values()];
  const first = Math.min(...receipts.map((r) => r.eventAt));
  const firstReceipt = Math.min(...receipts.map((r) => r.at));
  const last = Math.max(...receipts.map((r) => r.at));
  const latencies = receipts.map((r) => r.at - r.eventAt);
  return {
    perSecond: count / (Math.max(1, last - first) / 1000),
    firstMs: firstReceipt - first,
    afterFirstPerSecond: (count - 1) / (Math.max(1, last - firstReceipt) / 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: Math.max(...latencies),
  };
}

/** The body Tidings would send for a read, stamped with the time it is "recorded". */
const readEvent = (i: number, at: number) =>
  JSON.stringify({ type: 'message.read', timestamp: new Date(at).toISOString(), data: { messageId: `msg_${i}`, userId: SHOPPER, readAt: new Date(at).toISOString() } });

/** The bare loop: CONCURRENCY workers, each signing and POSTing its next body when the previous one is answered. */
async function bareDrain(receiver: Receiver, count: number): Promise<Figures> {
  const secret = newWebhookSecret();
  receiver.reset(secret);
  const pool = new Pool(receiver.origin, { connections: CONCURRENCY, pipelining: 1 });
  const recordedAt = Date.now();
  const bodies = Array.from({ length: count }, (_, i) => readEvent(i, recordedAt));
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await post(pool, secret, `evt_bare_${next}`, bodies[next++]!);
    }),
  );
  await receiver.until(count);
  await pool.close();
  return figuresOf(receiver, count);
}

/** The bare loop at a steady rate: each body signed and sent at its scheduled time. */
async function bareSteady(receiver: Receiver, count: number): Promise<Figures> {
  const secret = newWebhookSecret();
  receiver.reset(secret);
  const pool = new Pool(receiver.origin, { connections: CONCURRENCY, pipelining: 1 });
  const sends: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const wait = started + (i * 1000) / RATE - performance.now();
    if (wait > 0) await sleep(wait);
    sends.push(post(pool, secret, `evt_steady_${i}`, readEvent(i, Date.now())));
  }
  await Promise.all(sends);
  await receiver.until(count);
  await pool.close();
  return figuresOf(receiver, count);
}

async function post(pool: Pool, secret: string, id: string, body: string): Promise<void> {
  const res = await pool.request({
    method: 'POST',
    path: '/hook',
    headers: { 'content-type': 'application/json', 'user-agent': 'Tidings-Webhooks/1', ...signWebhook(secret, id, Math.floor(Date.now() / 1000), body) },
    body,
  });
  await res.body.dump();
}

/** Sends `count` messages to the shopper (closed loop, setup only, not timed). */
async function sendMessages(server: ServerProcess, count: number): Promise<string[]> {
  const pool = new Pool(server.url, { connections: CONCURRENCY, pipelining: 1 });
  const ids: string[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        const res = await pool.request({
          method: 'POST',
          path: '/api/v1/messages',
          headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ to: { userIds: [SHOPPER] }, category: 'order', title: `Order #${i} shipped` }),
        });
        const answer = (await res.body.json()) as { id: string };
        if (res.statusCode !== 202) throw new Error(`send answered ${res.statusCode}: ${JSON.stringify(answer)}`);
        ids[i] = answer.id;
      }
    }),
  );
  await pool.close();
  return ids;
}

async function markRead(pool: Pool, token: string, messageIds: string[]): Promise<void> {
  const at = new Date().toISOString();
  const res = await pool.request({
    method: 'POST',
    path: '/api/v1/me/state',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ changes: messageIds.map((messageId) => ({ messageId, state: { read: { value: true, at } } })) }),
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`POST /me/state answered ${res.statusCode}: ${text}`);
}

async function main(): Promise<void> {
  const receiver = await Receiver.start();
  cleanup.push(() => receiver.server.close());
  const dataDir = fs.mkdtempSync(path.join(dataRoot, 'tidings-webhooks-bench-'));
  cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const profileDir = values.profile ? fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-webhooks-prof-')) : undefined;
  const server = await startServerProcess({
    DATA_DIR: dataDir,
    BOOTSTRAP_MERCHANT_KEY: KEY,
    WEBHOOK_ENDPOINT_ALLOWLIST: receiver.origin,
    // The benchmark measures the outbox, not the limiter.
    RATE_LIMIT_MERCHANT_PER_SECOND: '0',
    RATE_LIMIT_IP_PER_SECOND: '0',
    LOG_LEVEL: 'error',
    ...(profileDir
      ? {
          BENCH_CPU_PROF_DIR: profileDir,
          NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import tsx --import ${path.join(here, 'cpu-profiler.ts')}`.trim(),
        }
      : {}),
  });
  cleanup.push(() => server.child.kill('SIGKILL'));
  const steadyCount = RATE * SECONDS;
  let refused = 0;
  process.stdout.write(
    `${EVENTS} message.read events drained (best of ${ROUNDS}), then ${steadyCount} at ${RATE}/s; bare loop at concurrency ${CONCURRENCY}; ` +
      `one Tidings process on SQLite in ${dataRoot}; receiver verifies with the SDK's verifyWebhook; load average ${os.loadavg()[0]!.toFixed(2)}\n`,
  );

  const tidings = createTidingsClient({ baseUrl: server.url, key: KEY });
  const { token } = await tidings.mintShopperToken({ userId: SHOPPER, ttlSeconds: 3600 });
  const hook = await tidings.webhooks.create({ url: `${receiver.origin}/hook`, events: ['message.read'] });
  log(`sending ${EVENTS + steadyCount} messages (setup)…`);
  // One for the warm-up, EVENTS per drain round, the rest for the steady phase.
  const ids = await sendMessages(server, 1 + ROUNDS * EVENTS + steadyCount);
  const pool = new Pool(server.url, { connections: 8, pipelining: 1 });

  // Warm-up of both paths (JIT, connections), not counted.
  log('warm-up…');
  await bareDrain(receiver, 200);
  receiver.reset(hook.secret);
  await markRead(pool, token, ids.slice(0, 1));
  await receiver.until(1);

  const tidingsRounds: Figures[] = [];
  const bareRounds: Figures[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    log(`drain ${round + 1}/${ROUNDS}: Tidings…`);
    receiver.reset(hook.secret);
    const drainIds = ids.slice(1 + round * EVENTS, 1 + (round + 1) * EVENTS);
    await Promise.all(Array.from({ length: Math.ceil(EVENTS / 500) }, (_, i) => markRead(pool, token, drainIds.slice(i * 500, (i + 1) * 500))));
    await receiver.until(EVENTS);
    tidingsRounds.push(figuresOf(receiver, EVENTS));
    refused += receiver.refused;
    log(`drain ${round + 1}/${ROUNDS}: bare loop…`);
    bareRounds.push(await bareDrain(receiver, EVENTS));
    refused += receiver.refused;
  }
  const best = (rounds: Figures[]) => rounds.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
  const tidingsDrain = best(tidingsRounds);
  const bare = best(bareRounds);

  log('steady: Tidings…');
  receiver.reset(hook.secret);
  const steadyIds = ids.slice(1 + ROUNDS * EVENTS);
  const reads: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; i < steadyIds.length; i++) {
    const wait = started + (i * 1000) / RATE - performance.now();
    if (wait > 0) await sleep(wait);
    reads.push(markRead(pool, token, [steadyIds[i]!]));
  }
  await Promise.all(reads);
  await receiver.until(steadyIds.length);
  const tidingsSteady = figuresOf(receiver, steadyIds.length);
  refused += receiver.refused;
  log('steady: bare loop…');
  const bareSteadyFigures = await bareSteady(receiver, steadyIds.length);
  refused += receiver.refused;

  const deliveries = await tidings.webhooks.deliveries(hook.id, { limit: 1 });
  await pool.close();
  server.child.kill('SIGTERM');
  await server.exited;

  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  const ms = (v: number) => v.toFixed(0);
  const rows: [string, string, string, string][] = [
    ['drain: deliveries/s', tidingsDrain.perSecond.toFixed(0), bare.perSecond.toFixed(0), ratio(tidingsDrain.perSecond, bare.perSecond)],
    ['drain: first event → first receipt ms', ms(tidingsDrain.firstMs), ms(bare.firstMs), ''],
    ['drain: deliveries/s after the first', tidingsDrain.afterFirstPerSecond.toFixed(0), bare.afterFirstPerSecond.toFixed(0), ratio(tidingsDrain.afterFirstPerSecond, bare.afterFirstPerSecond)],
    ['drain: event → receipt p50 ms', ms(tidingsDrain.p50), ms(bare.p50), ratio(tidingsDrain.p50, bare.p50)],
    ['drain: event → receipt p99 ms', ms(tidingsDrain.p99), ms(bare.p99), ratio(tidingsDrain.p99, bare.p99)],
    [`steady ${RATE}/s: event → receipt p50 ms`, ms(tidingsSteady.p50), ms(bareSteadyFigures.p50), ''],
    [`steady ${RATE}/s: event → receipt p99 ms`, ms(tidingsSteady.p99), ms(bareSteadyFigures.p99), ''],
    [`steady ${RATE}/s: event → receipt max ms`, ms(tidingsSteady.max), ms(bareSteadyFigures.max), ''],
    [
      'drain rounds, deliveries/s',
      tidingsRounds.map((r) => r.perSecond.toFixed(0)).join(', '),
      bareRounds.map((r) => r.perSecond.toFixed(0)).join(', '),
      '',
    ],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  const header = `${'figure'.padEnd(width)} | ${'Tidings'.padStart(8)} | ${'bare'.padStart(8)} | Tidings/bare`;
  process.stdout.write(`\n${header}\n${'-'.repeat(header.length)}\n`);
  for (const [label, a, b, r] of rows) process.stdout.write(`${label.padEnd(width)} | ${a.padStart(8)} | ${b.padStart(8)} | ${r}\n`);
  process.stdout.write(
    `refused signatures: ${refused}; last delivery as listed: ${deliveries.deliveries[0]?.status}, ` +
      `${deliveries.deliveries[0]?.attempts} attempt(s); load average after ${os.loadavg()[0]!.toFixed(2)}\n`,
  );
  if (profileDir) process.stdout.write(`CPU profile of the Tidings process: ${profileDir}\n`);
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
