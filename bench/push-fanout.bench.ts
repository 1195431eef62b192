/**
 * Web Push fan-out benchmark: one message to N distinct subscriptions on a
 * loopback push service (a child process with an h2 listener and an
 * HTTPS/1.1-only one), in the same run:
 *
 *   ceiling   bare encryption on the same number of worker threads Tidings
 *             encrypts on (`EncryptPool`, the push service idle): no sender
 *             with that many encryption threads can beat it. The goal is
 *             measured against this row. Beside it, web-push's own
 *             `webpush.encrypt` on one thread, for reference;
 *   tidings   the message stored with its push jobs through lifecycle.accept (one
 *             SQLite transaction), then drained by PushWorker + PushSender: durable
 *             queue, group commits, cached VAPID JWT, undici pool, encryption on
 *             --encrypt-threads threads (default: PushSender's default); once to
 *             the h2 listener (streams over few connections) and once to the
 *             HTTP/1.1-only one (one push per keep-alive connection at a time);
 *   stock     a loop over `webpush.sendNotification` at the same concurrency
 *             (Node's https agent: HTTP/1.1).
 *
 *   node --import tsx bench/push-fanout.bench.ts [--subs 20000] [--concurrency 64] [--rounds 3] [--encrypt-threads N] [--profile]
 *
 * Beside each tidings row's rate: the share of each round its encryption
 * threads had no batch to work on (`PushSender.encryptIdleMs`), that is the
 * time the event loop (claims, HTTP, settles) kept the encryption waiting.
 *
 * `--profile` samples this process's main thread (the event loop) during each
 * tidings row of the last round and writes a `.cpuprofile` per row into a
 * temp directory it prints; profiling slows those rows, so their figures are
 * not comparable with an unprofiled run.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import webpush from 'web-push';
import type { Message } from '../shared/message.schema.js';
import { defaultEncryptThreads, EncryptPool, encryptInline } from '../server/push/encrypt-pool.js';
import { selfSignedCertificate } from '../server/test-support/self-signed-cert.js';
import { EndpointAllowlist } from '../server/push/endpoint-allowlist.js';
import { buildPushPayload } from '../server/push/push-payload.js';
import { PushSender } from '../server/push/push-sender.js';
import { PushWorker } from '../server/push/push-worker.js';
import { VapidSigner } from '../server/push/vapid-signer.js';
import { SQLITE_FILE_NAME, SqliteStore } from '../server/store/sqlite/sqlite-store.js';
import { storeMessage } from '../server/test-support/store-messages.js';
import { integerOption } from './options.js';

const { values } = parseArgs({
  options: {
    subs: { type: 'string' },
    concurrency: { type: 'string' },
    rounds: { type: 'string' },
    'encrypt-threads': { type: 'string' },
    profile: { type: 'boolean', default: false },
  },
});
const SUBS = integerOption('subs', values.subs, 20_000);
const CONCURRENCY = integerOption('concurrency', values.concurrency, 64);
const ROUNDS = integerOption('rounds', values.rounds, 3);
const THREADS = integerOption('encrypt-threads', values['encrypt-threads'], defaultEncryptThreads(), 0);

const here = path.dirname(fileURLToPath(import.meta.url));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-push-bench-'));
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));

// A throwaway self-signed certificate: every sender speaks TLS, as it would to a real push service.
const certificate = selfSignedCertificate();
const certFile = path.join(work, 'cert.pem');
const keyFile = path.join(work, 'key.pem');
fs.writeFileSync(certFile, certificate.cert);
fs.writeFileSync(keyFile, certificate.key);
const ca = certificate.cert;

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
const ports = JSON.parse(await nextLine()) as { h2Port: number; h1Port: number };
const origins = { h2: `https://127.0.0.1:${ports.h2Port}`, h1: `https://127.0.0.1:${ports.h1Port}` };
type Protocol = keyof typeof origins;

// N distinct subscriptions, each with its own browser key pair, as real devices have; the same keys on either listener.
const keys = Array.from({ length: SUBS }, () => {
  const ecdh = crypto.createECDH('prime256v1');
  return { p256dh: ecdh.generateKeys().toString('base64url'), auth: crypto.randomBytes(16).toString('base64url') };
});
const subscriptionsOn = (protocol: Protocol) => keys.map((k, i) => ({ endpoint: `${origins[protocol]}/push/${i}`, keys: k }));
const subscriptions = subscriptionsOn('h1');
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

async function expectDelivered(label: string, protocol: Protocol): Promise<void> {
  const stats = await ask<{ requests: number; distinct: number; h2Requests: number }>('stats');
  if (stats.requests !== SUBS || stats.distinct !== SUBS) {
    throw new Error(`${label}: push service saw ${stats.requests} requests to ${stats.distinct} endpoints, expected ${SUBS}`);
  }
  if (stats.h2Requests !== (protocol === 'h2' ? SUBS : 0)) throw new Error(`${label}: ${stats.h2Requests} of ${SUBS} requests came over h2`);
}

/** Runs `fn` over every subscription with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: limit }, lane));
}

/** web-push's encryption, bare, on this thread: what the previous PushSender and stock web-push encrypt with. */
function webPushCeiling(round: number): number {
  const payload = buildPushPayload(message(round));
  const start = performance.now();
  for (const { keys: k } of subscriptions) webpush.encrypt(k.p256dh, k.auth, payload, 'aes128gcm');
  return SUBS / ((performance.now() - start) / 1000);
}

/**
 * Tidings' encryption, bare, on the same number of threads as the tidings
 * rows (an `EncryptPool` of that size; inline when Tidings encrypts on the
 * event loop), with nothing else running: the bound for a sender that
 * encrypts on that many threads.
 */
const ceilingPool = THREADS > 0 ? new EncryptPool(THREADS) : undefined;
async function ceiling(round: number): Promise<number> {
  const plaintext = buildPushPayload(message(round));
  const start = performance.now();
  const jobs = subscriptions.map(({ keys: k }) => ({ p256dh: k.p256dh, auth: k.auth, plaintext }));
  if (ceilingPool) await Promise.all(jobs.map((job) => ceilingPool.encrypt(job)));
  else for (const job of jobs) encryptInline(job);
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
  await expectDelivered('stock', 'h1');
  return rate;
}

// Tidings: a real SQLite store in a temp dir, subscriptions of N shoppers, the real worker and sender.
// Two of them, each on its own store so their workers never claim each other's jobs: one pushing to
// the h2 listener, one to the HTTP/1.1-only listener.
const userIds = subscriptions.map((_, i) => `shopper-${i}`);

async function startTidings(name: string, protocol: Protocol) {
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
    const subs = subscriptionsOn(protocol);
    db.transaction(() => subs.forEach((s, i) => insert.run(s.endpoint, `shopper-${i}`, s.keys.p256dh, s.keys.auth, now, now)))();
    db.close();
  }
  const sender = new PushSender({
    signer: new VapidSigner(vapid, subject),
    allowlist: EndpointAllowlist.parse(origins[protocol]),
    tls: { ca },
    encryptThreads: THREADS,
  });
  const worker = new PushWorker({
    store,
    transport: sender,
    logger: pino({ level: 'warn' }),
    concurrency: CONCURRENCY,
    leaseMs: 60_000,
  });
  worker.start();
  // The finish line is read on a connection of the bench's own, columns only: store.getMessage would
  // parse the message on every poll and charge that to the sender's CPU per push.
  const reader = new Database(path.join(dataDir, SQLITE_FILE_NAME), { readonly: true });
  const pushCounts = reader.prepare<[string], { targets: number; settled: number; pushed: number }>(
    `SELECT push_targets AS targets, pushed + push_failed + push_skipped AS settled, pushed FROM messages WHERE id = ?`,
  );

  /** The share of the last run the encryption threads had no batch to work on. */
  let encryptIdle = 0;
  /** One message to all N through lifecycle.accept (as POST /api/v1/messages stores it), until every push is settled. */
  async function run(round: number): Promise<number> {
    const msg = message(round);
    const idleBefore = sender.encryptIdleMs();
    const start = performance.now();
    await storeMessage(store, msg, 'bench', userIds);
    worker.wake();
    const deadline = Date.now() + 10 * 60_000;
    for (;;) {
      const push = pushCounts.get(msg.id)!;
      if (push.settled === push.targets) {
        if (push.pushed !== SUBS) throw new Error(`${name}: ${push.pushed} pushed of ${SUBS}`);
        break;
      }
      if (Date.now() > deadline) throw new Error(`${name}: pushes still pending after 10 minutes`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const elapsed = performance.now() - start;
    // Threads start on first use, so the warm-up round's share counts from their start.
    encryptIdle = (sender.encryptIdleMs() - idleBefore) / elapsed;
    const rate = SUBS / (elapsed / 1000);
    await expectDelivered(name, protocol);
    return rate;
  }
  async function close(): Promise<void> {
    await worker.stop();
    await sender.close();
    reader.close();
    await store.close();
  }
  return { run, close, encryptIdle: () => encryptIdle };
}

const tidingsH2 = await startTidings('tidings-h2', 'h2');
const tidingsH1 = await startTidings('tidings-h1', 'h1');

const contenders = {
  ceiling: (round: number) => ceiling(round),
  webPushCeiling: async (round: number) => webPushCeiling(round),
  tidingsH2: (round: number) => tidingsH2.run(round),
  tidingsH1: (round: number) => tidingsH1.run(round),
  stock: (round: number) => stock(round),
};
type Contender = keyof typeof contenders;
const perContender = () => Object.fromEntries(Object.keys(contenders).map((name) => [name, [] as number[]])) as Record<Contender, number[]>;
const results = perContender();
/** CPU milliseconds per 1,000 pushes: this process (event loop and encryption threads), and the push service child. */
const senderCpu = perContender();
const serviceCpu = perContender();
/** Share of each tidings round the encryption threads waited for work (the event loop had handed them none). */
const encryptIdle = perContender();
const idleOf: Partial<Record<Contender, () => number>> = { tidingsH2: tidingsH2.encryptIdle, tidingsH1: tidingsH1.encryptIdle };
const header = `Push fan-out: ${SUBS} distinct subscriptions, concurrency ${CONCURRENCY}, ${ROUNDS} rounds, encrypt threads ${THREADS}, Node ${process.version}, ${os.availableParallelism()} CPUs (${os.cpus()[0]?.model ?? '?'})`;
const loadavg = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
process.stderr.write(`${header}\nloadavg at start: ${loadavg()}\n`);
// Round 0 warms up (JIT, TLS sessions, SQLite pages, threads) and is not counted; contenders alternate within each round.
const profileDir = values.profile ? fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-push-prof-')) : undefined;
const profiler = profileDir ? new Session() : undefined;
profiler?.connect();
for (let round = 0; round <= ROUNDS; round++) {
  for (const [name, run] of Object.entries(contenders) as [Contender, (round: number) => Promise<number>][]) {
    const profiled = profiler && round === ROUNDS && name.startsWith('tidings');
    if (profiled) {
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.setSamplingInterval', { interval: 200 });
      await profiler.post('Profiler.start');
    }
    await ask('reset');
    const cpuBefore = process.cpuUsage();
    const rate = await run(round);
    const cpu = process.cpuUsage(cpuBefore);
    if (profiled) {
      const { profile } = await profiler.post('Profiler.stop');
      fs.writeFileSync(path.join(profileDir!, `${name}.cpuprofile`), JSON.stringify(profile));
    }
    const { cpuMs } = await ask<{ cpuMs: number }>('stats');
    if (round === 0) continue;
    results[name].push(rate);
    senderCpu[name].push(((cpu.user + cpu.system) / 1000 / SUBS) * 1000);
    serviceCpu[name].push((cpuMs / SUBS) * 1000);
    const idle = idleOf[name];
    if (idle) encryptIdle[name].push(idle() * 100);
  }
  process.stderr.write(`round ${round}/${ROUNDS} done${round === 0 ? ' (warm-up)' : ''}, loadavg ${loadavg()}\n`);
}
await tidingsH2.close();
await tidingsH1.close();
await ceilingPool?.close();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const m = Object.fromEntries(Object.entries(results).map(([name, xs]) => [name, median(xs)])) as Record<Contender, number>;
const row = (name: string, contender: Contender) =>
  `| ${name} | ${Math.round(m[contender])} | ${results[contender].map((x) => Math.round(x)).join(', ')} | ${(m[contender] / m.ceiling).toFixed(2)}× | ${(m[contender] / m.stock).toFixed(2)}× | ${Math.round(median(senderCpu[contender]))} | ${Math.round(median(serviceCpu[contender]))} | ${encryptIdle[contender].length > 0 && THREADS > 0 ? `${encryptIdle[contender].map((x) => x.toFixed(0)).join(', ')}%` : '—'} |`;
const threads = THREADS > 0 ? `${THREADS} encrypt thread${THREADS === 1 ? '' : 's'}` : 'encryption on the event loop';
process.stdout.write(
  [
    '',
    header,
    `loadavg (1, 5, 15 min) at the end: ${loadavg()}`,
    '',
    '| contender | pushes/s (median) | rounds | ÷ ceiling | ÷ stock | sender CPU ms / 1k pushes | push service CPU ms / 1k | encrypt threads waiting for work, per round |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    row(`encryption ceiling: Tidings' RFC 8291 code, bare, ${threads}`, 'ceiling'),
    row('webpush.encrypt, bare, 1 thread', 'webPushCeiling'),
    row(`tidings → h2 push service, ${threads}`, 'tidingsH2'),
    row(`tidings → HTTP/1.1-only push service, ${threads}`, 'tidingsH1'),
    row('stock webpush.sendNotification loop (HTTP/1.1)', 'stock'),
    '',
    ...(profileDir ? [`CPU profiles of the last round's tidings rows (event loop only): ${profileDir}`, ''] : []),
    `goal: tidings ≥ 0.8× the ceiling on the same threads (h2 ${(m.tidingsH2 / m.ceiling).toFixed(2)}×, HTTP/1.1 ${(m.tidingsH1 / m.ceiling).toFixed(2)}×) and ≥ 4× stock (h2 ${(m.tidingsH2 / m.stock).toFixed(2)}×, HTTP/1.1 ${(m.tidingsH1 / m.stock).toFixed(2)}×)`,
    '',
  ].join('\n'),
);
child.stdin!.end();
process.exit(0);
