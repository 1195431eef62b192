/**
 * Web Push fan-out benchmark: one message to N distinct subscriptions on a
 * loopback HTTPS push service (a child process), three ways, in the same run:
 *
 *   tidings   the message stored with its push jobs through lifecycle.accept (one
 *             SQLite transaction), then drained by PushWorker + PushSender: durable
 *             queue, group commits, cached VAPID JWT, keep-alive undici pool;
 *             once with --encrypt-threads worker threads (default cores − 1) and
 *             once with 0 (encryption on the event loop, as stock web-push does);
 *   stock     a loop over `webpush.sendNotification` at the same concurrency;
 *   ceiling   bare `webpush.encrypt` calls per second on one core: no sender
 *             that encrypts with web-push on one thread can beat it; and the
 *             same calls over one thread per core, the bound for a sender that
 *             encrypts on worker threads (as PushSender does by default).
 *
 *   node --import tsx bench/push-fanout.bench.ts [--subs 5000] [--concurrency 64] [--rounds 3] [--encrypt-threads N]
 */
import { spawn, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import webpush from 'web-push';
import type { Message } from '../shared/message.schema.js';
import { defaultEncryptThreads, EncryptPool } from '../server/push/encrypt-pool.js';
import { EndpointAllowlist } from '../server/push/endpoint-allowlist.js';
import { buildPushPayload } from '../server/push/push-payload.js';
import { PushSender } from '../server/push/push-sender.js';
import { PushWorker } from '../server/push/push-worker.js';
import { VapidSigner } from '../server/push/vapid-signer.js';
import { SQLITE_FILE_NAME, SqliteStore } from '../server/store/sqlite/sqlite-store.js';
import { storeMessage } from '../server/test-support/store-messages.js';

const { values } = parseArgs({
  options: {
    subs: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '64' },
    rounds: { type: 'string', default: '3' },
    'encrypt-threads': { type: 'string' },
  },
});
const SUBS = Number(values.subs);
const CONCURRENCY = Number(values.concurrency);
const ROUNDS = Number(values.rounds);
const ENCRYPT_THREADS = values['encrypt-threads'] === undefined ? undefined : Number(values['encrypt-threads']);
if (ENCRYPT_THREADS !== undefined && !(Number.isInteger(ENCRYPT_THREADS) && ENCRYPT_THREADS >= 0)) {
  process.stderr.write('--encrypt-threads must be a non-negative integer\n');
  process.exit(2);
}
for (const [name, value] of [['subs', SUBS], ['concurrency', CONCURRENCY], ['rounds', ROUNDS]] as const) {
  if (!Number.isInteger(value) || value <= 0) {
    process.stderr.write(`--${name} must be a positive integer\n`);
    process.exit(2);
  }
}

const here = path.dirname(fileURLToPath(import.meta.url));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-push-bench-'));
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));

// A throwaway self-signed certificate: both senders speak TLS, as they would to a real push service.
const certFile = path.join(work, 'cert.pem');
const keyFile = path.join(work, 'key.pem');
execFileSync('openssl', [
  'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
  '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
], { stdio: 'ignore' });
const ca = fs.readFileSync(certFile);

const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'push-service-child.ts'), certFile, keyFile], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
process.on('exit', () => child.kill('SIGKILL'));
const lines = readline.createInterface({ input: child.stdout! });
const replies: ((line: string) => void)[] = [];
lines.on('line', (line) => replies.shift()?.(line));
const nextLine = () => new Promise<string>((resolve) => replies.push(resolve));
async function ask<T>(cmd: string): Promise<T> {
  const reply = nextLine();
  child.stdin!.write(`${JSON.stringify({ cmd })}\n`);
  return JSON.parse(await reply) as T;
}
const { port } = JSON.parse(await nextLine()) as { port: number };
const origin = `https://127.0.0.1:${port}`;

// N distinct subscriptions, each with its own browser key pair, as real devices have.
const subscriptions = Array.from({ length: SUBS }, (_, i) => {
  const ecdh = crypto.createECDH('prime256v1');
  return {
    endpoint: `${origin}/push/${i}`,
    keys: { p256dh: ecdh.generateKeys().toString('base64url'), auth: crypto.randomBytes(16).toString('base64url') },
  };
});
const vapid = webpush.generateVAPIDKeys();
const subject = 'mailto:bench@tidings.example';

function message(round: number): Message {
  return {
    id: `bench-${round}-${crypto.randomUUID()}`,
    type: 'system',
    category: 'shipping',
    priority: 4,
    title: 'Order #1042 shipped',
    body: 'Your parcel left our warehouse and arrives Thursday between 9:00 and 12:00.',
    url: '/orders/1042',
    icon: 'https://cdn.shop.example/icons/parcel.png',
    actions: [{ title: 'Track', url: '/orders/1042/track' }],
    data: { orderId: 1042 },
    collapseKey: 'order:1042',
    createdAt: new Date().toISOString(),
  };
}

async function expectDelivered(label: string): Promise<void> {
  const stats = await ask<{ requests: number; distinct: number }>('stats');
  if (stats.requests !== SUBS || stats.distinct !== SUBS) {
    throw new Error(`${label}: push service saw ${stats.requests} requests to ${stats.distinct} endpoints, expected ${SUBS}`);
  }
  await ask('reset');
}

/** Runs `fn` over every subscription with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: limit }, lane));
}

function ceiling(round: number): number {
  const payload = buildPushPayload(message(round));
  const start = performance.now();
  for (const sub of subscriptions) webpush.encrypt(sub.keys.p256dh, sub.keys.auth, payload, 'aes128gcm');
  return SUBS / ((performance.now() - start) / 1000);
}

/**
 * Bare encryption on every core: the same webpush.encrypt calls spread over
 * an EncryptPool with one thread per core, nothing else running. The
 * one-thread ceiling stops being a bound once the sender encrypts off the
 * event loop, so this is printed beside it.
 */
const allCores = new EncryptPool(os.availableParallelism());
async function ceilingAllCores(round: number): Promise<number> {
  const plaintext = buildPushPayload(message(round));
  const start = performance.now();
  await Promise.all(subscriptions.map((sub) => allCores.encrypt({ p256dh: sub.keys.p256dh, auth: sub.keys.auth, plaintext })));
  return SUBS / ((performance.now() - start) / 1000);
}

async function stock(round: number): Promise<number> {
  // What most deployments run: the default https agent (keep-alive in Node 20), a JWT signed per push.
  https.globalAgent.options.ca = ca;
  const payload = buildPushPayload(message(round));
  const options = { vapidDetails: { subject, ...vapid }, TTL: 2419200, urgency: 'high' as const };
  const start = performance.now();
  await pool(subscriptions, CONCURRENCY, (sub) => webpush.sendNotification(sub, payload, options));
  const rate = SUBS / ((performance.now() - start) / 1000);
  await expectDelivered('stock');
  return rate;
}

// Tidings: a real SQLite store in a temp dir, subscriptions of N shoppers, the real worker and sender.
// Two of them, each on its own store so their workers never claim each other's jobs: one with the
// configured encryption threads, one with none (encryption on the event loop, as stock web-push does),
// so Tidings is also compared with stock at equal encryption threads.
const userIds = subscriptions.map((_, i) => `shopper-${i}`);

async function startTidings(name: string, encryptThreads: number | undefined) {
  const dataDir = path.join(work, name);
  const store = SqliteStore.open(dataDir);
  await store.createMerchant({ id: 'bench', name: 'Bench', keyHash: 'bench', createdAt: new Date().toISOString() });
  {
    // Setup only: one bulk transaction instead of N subscribe calls.
    const db = new Database(path.join(dataDir, SQLITE_FILE_NAME));
    const insert = db.prepare(
      `INSERT INTO push_subscriptions (endpoint, user_id, p256dh, auth, expiration_time, created_at, updated_at)
       VALUES (?, ?, ?, ?, NULL, ?, ?)`,
    );
    const now = new Date().toISOString();
    db.transaction(() => subscriptions.forEach((s, i) => insert.run(s.endpoint, `shopper-${i}`, s.keys.p256dh, s.keys.auth, now, now)))();
    db.close();
  }
  const sender = new PushSender({
    signer: new VapidSigner(vapid, subject),
    allowlist: EndpointAllowlist.parse(origin),
    tls: { ca },
    ...(encryptThreads !== undefined ? { encryptThreads } : {}),
  });
  const worker = new PushWorker({
    store,
    transport: sender,
    logger: pino({ level: 'warn' }),
    concurrency: CONCURRENCY,
    leaseMs: 60_000,
  });
  worker.start();

  /** One message to all N through lifecycle.accept (as POST /api/v1/messages stores it), until every push is settled. */
  async function run(round: number): Promise<number> {
    const msg = message(round);
    const start = performance.now();
    await storeMessage(store, msg, 'bench', userIds);
    worker.wake();
    const deadline = Date.now() + 10 * 60_000;
    for (;;) {
      const { push } = (await store.getMessage(msg.id))!;
      if (push.pushed + push.failed + push.skipped === push.targets) {
        if (push.pushed !== SUBS) throw new Error(`${name}: ${push.pushed} pushed of ${SUBS}`);
        break;
      }
      if (Date.now() > deadline) throw new Error(`${name}: pushes still pending after 10 minutes`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const rate = SUBS / ((performance.now() - start) / 1000);
    await expectDelivered(name);
    return rate;
  }
  async function close(): Promise<void> {
    await worker.stop();
    await sender.close();
    await store.close();
  }
  return { run, close };
}

const tidingsPool = await startTidings('tidings', ENCRYPT_THREADS);
const tidingsOneThread = await startTidings('tidings-0-threads', 0);
const tidings = (round: number) => tidingsPool.run(round);
const tidingsEventLoop = (round: number) => tidingsOneThread.run(round);

const results = { ceiling: [] as number[], allCores: [] as number[], stock: [] as number[], tidings: [] as number[], tidingsEventLoop: [] as number[] };
// Warm-up: JIT, TLS sessions, SQLite pages, encryption threads.
ceiling(0);
await ceilingAllCores(0);
await tidings(0);
await tidingsEventLoop(0);
await stock(0);
for (let round = 1; round <= ROUNDS; round++) {
  results.ceiling.push(ceiling(round));
  results.allCores.push(await ceilingAllCores(round));
  results.tidings.push(await tidings(round));
  results.tidingsEventLoop.push(await tidingsEventLoop(round));
  results.stock.push(await stock(round));
  process.stderr.write(`round ${round}/${ROUNDS} done\n`);
}
await tidingsPool.close();
await tidingsOneThread.close();
await allCores.close();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const m = {
  ceiling: median(results.ceiling),
  allCores: median(results.allCores),
  stock: median(results.stock),
  tidings: median(results.tidings),
  tidingsEventLoop: median(results.tidingsEventLoop),
};
const threads = ENCRYPT_THREADS ?? defaultEncryptThreads();
const row = (name: string, xs: number[], rate: number) =>
  `| ${name} | ${Math.round(rate)} | ${xs.map((x) => Math.round(x)).join(', ')} | ${(rate / m.stock).toFixed(2)}× | ${(m.ceiling / rate).toFixed(2)}× |`;
process.stdout.write(
  [
    '',
    `Push fan-out: ${SUBS} distinct subscriptions, concurrency ${CONCURRENCY}, ${ROUNDS} rounds, tidings encrypt threads ${threads}, Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'})`,
    '',
    '| contender | pushes/s (median) | rounds | vs stock | ceiling ÷ this |',
    '| --- | --- | --- | --- | --- |',
    row('encryption ceiling (webpush.encrypt)', results.ceiling, m.ceiling),
    row(`encryption, all cores (${os.availableParallelism()} threads, idle push service)`, results.allCores, m.allCores),
    row(`tidings (store → PushWorker → PushSender), ${threads} encrypt threads`, results.tidings, m.tidings),
    row('tidings, 0 encrypt threads (event loop, as stock)', results.tidingsEventLoop, m.tidingsEventLoop),
    row('stock webpush.sendNotification loop', results.stock, m.stock),
    '',
    `tidings ÷ stock = ${(m.tidings / m.stock).toFixed(2)} (aim ≥ 3); ceiling ÷ tidings = ${(m.ceiling / m.tidings).toFixed(2)} (aim ≤ 1.4); all-cores encryption ÷ tidings = ${(m.allCores / m.tidings).toFixed(2)}`,
    `at equal encryption threads (both on the event loop): tidings ÷ stock = ${(m.tidingsEventLoop / m.stock).toFixed(2)}`,
    '',
  ].join('\n'),
);
child.stdin!.end();
process.exit(0);
