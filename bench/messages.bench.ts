/**
 * Message acceptance benchmark (issue 5), two parts in one run:
 *
 * 1. Direct sends: accepted messages/s, one HTTP request per message over
 *    keep-alive connections with 32 in flight, Tidings (the real server
 *    process: auth, validation, idempotency key, event append, push queue,
 *    group commit) beside a bare Express route that inserts the same row
 *    into SQLite (bench/bare-sqlite-server.ts), each in its own process.
 * 2. Topic broadcast: the time to accept one message to N topic subscribers
 *    (202 answered) and the time until the background fan-out has appended
 *    it to every subscriber's log.
 *
 *   npx tsx bench/messages.bench.ts [--messages 5000] [--subscribers 100000] [--data-root /dev/shm]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { Pool } from 'undici';
import { SQLITE_FILE_NAME, SqliteStore } from '../server/store/sqlite/sqlite-store.js';
import { freePort, startServerProcess, type ServerProcess } from '../server/test-support/server-process.js';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '5000' },
    subscribers: { type: 'string', default: '100000' },
    'data-root': { type: 'string' },
  },
});
const MESSAGES = Number(values.messages);
const SUBSCRIBERS = Number(values.subscribers);
const IN_FLIGHT = 32;
const WARM_UP = 1000;
const KEY = 'tdk_bench-merchant-key-0123456789abcdef';
const here = path.dirname(fileURLToPath(import.meta.url));
const dataRoot = values['data-root'] ?? os.tmpdir();
const cleanup: (() => void)[] = [];
process.on('exit', () => cleanup.forEach((fn) => fn()));

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(dataRoot, 'tidings-msg-bench-'));
  cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const body = (i: number) =>
  JSON.stringify({ to: { userIds: [`shopper-${i % 1000}`] }, category: 'order', title: `Order #${i} shipped`, body: 'On its way' });

/** Closed loop: IN_FLIGHT workers, each sending its next request when the previous one is answered. */
async function directSends(
  url: string,
  headers: Record<string, string>,
  idempotent: boolean,
  count = MESSAGES,
): Promise<{ perSecond: number; errors: number }> {
  const pool = new Pool(url, { connections: IN_FLIGHT, pipelining: 1 });
  let next = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < count) {
        const i = next++;
        const res = await pool.request({
          method: 'POST',
          path: '/api/v1/messages',
          headers: { ...headers, 'content-type': 'application/json', ...(idempotent ? { 'idempotency-key': `bench-${count}-${i}` } : {}) },
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

async function startBare(): Promise<{ url: string; stop: () => void }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'bare-sqlite-server.ts'), String(port), tempDir()], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  cleanup.push(() => child.kill('SIGKILL'));
  await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGKILL') };
}

async function startTidings(dataDir: string): Promise<ServerProcess> {
  const server = await startServerProcess({
    DATA_DIR: dataDir,
    BOOTSTRAP_MERCHANT_KEY: KEY,
    // The benchmark measures the pipeline, not the limiter.
    RATE_LIMIT_MERCHANT_PER_SECOND: '0',
    RATE_LIMIT_IP_PER_SECOND: '0',
    LOG_LEVEL: 'error',
  });
  cleanup.push(() => server.child.kill('SIGKILL'));
  return server;
}

/** Subscribes N shoppers in one transaction straight into the file, before the server opens it. */
function seedSubscribers(dataDir: string, n: number): void {
  const store = SqliteStore.open(dataDir); // runs the migrations
  void store.close();
  const db = new Database(path.join(dataDir, SQLITE_FILE_NAME));
  const insert = db.prepare('INSERT INTO topic_subscriptions (topic, user_id, subscribed_at) VALUES (?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < n; i++) insert.run('promotions', `sub-${String(i).padStart(6, '0')}`, Date.now() - 1000);
  })();
  db.close();
}

async function broadcast(n: number): Promise<{ acceptMs: number; fanOutMs: number; recipients: number }> {
  const dataDir = tempDir();
  seedSubscribers(dataDir, n);
  const server = await startTidings(dataDir);
  const auth = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
  const started = performance.now();
  const res = await fetch(`${server.url}/api/v1/messages`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ to: { topic: 'promotions' }, category: 'promotion', title: 'Summer sale: 30% off' }),
  });
  const acceptMs = performance.now() - started;
  if (res.status !== 202) throw new Error(`broadcast answered ${res.status}: ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  let status: { status: string; recipients: number };
  do {
    await new Promise((resolve) => setTimeout(resolve, 20));
    status = (await (await fetch(`${server.url}/api/v1/messages/${id}`, { headers: auth })).json()) as typeof status;
  } while (status.status !== 'sent');
  const fanOutMs = performance.now() - started;
  server.child.kill('SIGKILL');
  return { acceptMs, fanOutMs, recipients: status.recipients };
}

async function main(): Promise<void> {
  process.stdout.write(`direct sends: ${MESSAGES} messages, ${IN_FLIGHT} in flight, keep-alive; data in ${dataRoot}\n`);
  const bare = await startBare();
  // A warm-up per target first, so JIT and page cache favour neither.
  await directSends(bare.url, {}, false, WARM_UP);
  const bareRun = await directSends(bare.url, {}, false);
  bare.stop();
  const tidings = await startTidings(tempDir());
  const auth = { authorization: `Bearer ${KEY}` };
  await directSends(tidings.url, auth, false, WARM_UP);
  const tidingsRun = await directSends(tidings.url, auth, false);
  const keyedRun = await directSends(tidings.url, auth, true);
  tidings.child.kill('SIGKILL');

  process.stdout.write(`broadcast: ${SUBSCRIBERS} topic subscribers\n`);
  const cast = await broadcast(SUBSCRIBERS);

  const ratio = (v: number) => `${((v / bareRun.perSecond) * 100).toFixed(0)}%`;
  const rows: [string, string, string][] = [
    ['bare Express + SQLite insert, msg/s', bareRun.perSecond.toFixed(0), '100%'],
    ['Tidings POST /messages, msg/s', tidingsRun.perSecond.toFixed(0), ratio(tidingsRun.perSecond)],
    ['Tidings with Idempotency-Key, msg/s', keyedRun.perSecond.toFixed(0), ratio(keyedRun.perSecond)],
    [`broadcast to ${cast.recipients} subscribers: 202 after`, `${cast.acceptMs.toFixed(1)} ms`, ''],
    ['broadcast: fan-out complete after', `${cast.fanOutMs.toFixed(0)} ms`, ''],
    ['broadcast: fan-out rate, appends/s', ((cast.recipients / cast.fanOutMs) * 1000).toFixed(0), ''],
  ];
  const errors = bareRun.errors + tidingsRun.errors + keyedRun.errors;
  const width = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write(`\n${'figure'.padEnd(width)} | ${'value'.padStart(10)} | vs bare\n${'-'.repeat(width + 24)}\n`);
  for (const [label, value, vs] of rows) process.stdout.write(`${label.padEnd(width)} | ${value.padStart(10)} | ${vs}\n`);
  process.stdout.write(`non-202 answers: ${errors}\n`);
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
