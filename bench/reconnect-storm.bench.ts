/**
 * Reconnect-storm benchmark (issue 13): every shopper is `--behind` events
 * behind and all reconnect within one second, as after a server restart or a
 * network blip. Tidings beside the bare `ws` baseline in the same run.
 *
 *   npm run bench:reconnect-storm                                 # 5,000 shoppers, 200 behind
 *   npm run bench:reconnect-storm -- --shoppers 500 --behind 50   # smoke run
 *   npm run bench:reconnect-storm -- --profile                    # CPU profile of the Tidings child
 *
 * Seeding goes through the store, not the HTTP API: the tokens are minted by
 * a first Tidings process, then `--behind` + OLDER broadcasts (each addressed
 * to every shopper by id) are accepted by the store as a send would be
 * (test-support/store-messages.ts), one event per shopper each. The baseline reads a copy of
 * that SQLite file. Each shopper's hello carries the cursor `--behind` below
 * its head; connections start spread evenly over `--spread-ms`. A shopper is
 * synced when its ready frame arrives; every seq it read is checked against
 * exactly (cursor, head]. See bench/README.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { SQLITE_FILE_NAME, SqliteStore } from '../server/store/sqlite/sqlite-store.js';
import { storeMessage } from '../server/test-support/store-messages.js';
import { benchOptions, integerOption } from './options.js';
import { stormBroadcast } from './storm-broadcast.js';
import { log, percentile } from './report.js';
import { acceptQueue, cpuSeconds, guardBenchmark, runBenchmark, rssBytes, startBare, startTidings, type Target } from './targets.js';

const values = benchOptions(
  'npm run bench:reconnect-storm -- [--shoppers N] [--behind B] [--spread-ms MS] [--profile] [--data-root DIR]',
  {
    shoppers: { type: 'string' },
    behind: { type: 'string' },
    'spread-ms': { type: 'string' },
    profile: { type: 'boolean', default: false },
    'data-root': { type: 'string' },
  },
);

/** Events each shopper already read before the storm: the cursor is not 0, as after a real disconnect. */
const OLDER = 5;
const config = {
  shoppers: integerOption('shoppers', values.shoppers, 5_000, 1),
  behind: integerOption('behind', values.behind, 200, 1),
  spreadMs: integerOption('spread-ms', values['spread-ms'], 1_000, 0),
  syncTimeoutMs: 180_000,
};
const cursor = OLDER;
const head = OLDER + config.behind;

guardBenchmark(20 * 60_000);

/** `OLDER + behind` broadcasts to every shopper by id, each stored as `POST /api/v1/messages` stores it. */
async function seedLog(dataDir: string, userIds: string[]): Promise<void> {
  const started = performance.now();
  const store = await SqliteStore.open(dataDir);
  try {
    const [merchant] = await store.listMerchants();
    const t0 = Date.now() - head * 60_000;
    for (let i = 0; i < head; i++) {
      await storeMessage(store, stormBroadcast(i, new Date(t0 + i * 60_000).toISOString()), merchant!.id, userIds);
    }
  } finally {
    await store.close();
  }
  log(`  seeded ${head} broadcasts × ${userIds.length} shoppers through the store in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** One reconnecting shopper: every seq it reads is checked against (cursor, head]. */
interface Shopper {
  startedAt: number;
  syncedAt: number;
  next: number;
  gaps: number;
  duplicates: number;
  closed: string | undefined;
}

const EVENT_PREFIX = '{"type":"event","event":{"seq":';

function reconnect(target: Target, userId: string, shopper: Shopper, sockets: WebSocket[]): Promise<void> {
  return new Promise((resolve) => {
    shopper.startedAt = performance.now();
    const ws = new WebSocket(target.wsUrl, { perMessageDeflate: false });
    sockets.push(ws);
    ws.once('open', () => ws.send(target.hello(userId, cursor)));
    ws.once('error', (err) => {
      shopper.closed ??= err.message;
      resolve();
    });
    ws.once('close', (code) => {
      if (!shopper.syncedAt) shopper.closed ??= `closed ${code}`;
      resolve();
    });
    ws.on('message', (data) => {
      const text = data.toString();
      // Both servers write `seq` first: read it without parsing the whole frame, so the fleet keeps up.
      if (text.startsWith(EVENT_PREFIX)) {
        const seq = Number.parseInt(text.slice(EVENT_PREFIX.length), 10);
        if (seq < shopper.next) shopper.duplicates++;
        else {
          shopper.gaps += seq - shopper.next;
          shopper.next = seq + 1;
        }
        return;
      }
      const frame = JSON.parse(text) as { type: string };
      if (frame.type === target.readyFrame && !shopper.syncedAt) {
        shopper.syncedAt = performance.now();
        // Events missing at the end are gaps too: synced means everything up to head was sent.
        shopper.gaps += Math.max(0, head + 1 - shopper.next);
        resolve();
      }
    });
  });
}

interface Measured {
  seconds: number;
  p50: number;
  p99: number;
  synced: number;
  gaps: number;
  duplicates: number;
  failed: string[];
  rssBefore: number;
  rssPeak: number;
  events: number;
  /** The server's CPU time from the first connect until the last shopper was synced. */
  cpuSeconds: number;
  /** The most connections seen waiting in the server's accept queue (sampled every 20 ms). */
  acceptQueuePeak: number;
}

async function measure(target: Target, userIds: string[]): Promise<Measured> {
  const sockets: WebSocket[] = [];
  try {
    await sleep(500);
    const rssBefore = rssBytes(target.pid);
    let rssPeak = rssBefore;
    let acceptQueuePeak = 0;
    const port = Number(new URL(target.url).port);
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, rssBytes(target.pid));
      acceptQueuePeak = Math.max(acceptQueuePeak, acceptQueue(port));
    }, 20);
    const shoppers = userIds.map((): Shopper => ({ startedAt: 0, syncedAt: 0, next: cursor + 1, gaps: 0, duplicates: 0, closed: undefined }));
    const cpuBefore = cpuSeconds(target.pid);
    const start = performance.now();
    const done: Promise<void>[] = [];
    for (let i = 0; i < userIds.length; i++) {
      const due = start + (config.spreadMs * i) / userIds.length;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      done.push(reconnect(target, userIds[i]!, shoppers[i]!, sockets));
    }
    await Promise.race([Promise.all(done), sleep(config.syncTimeoutMs)]);
    clearInterval(sampler);
    const cpu = cpuSeconds(target.pid) - cpuBefore;
    rssPeak = Math.max(rssPeak, rssBytes(target.pid));
    const synced = shoppers.filter((s) => s.syncedAt > 0);
    const perShopper = synced.map((s) => s.syncedAt - s.startedAt);
    const result: Measured = {
      seconds: (Math.max(...synced.map((s) => s.syncedAt)) - start) / 1000,
      p50: percentile(perShopper, 50),
      p99: percentile(perShopper, 99),
      synced: synced.length,
      gaps: shoppers.reduce((n, s) => n + s.gaps, 0),
      duplicates: shoppers.reduce((n, s) => n + s.duplicates, 0),
      failed: shoppers.flatMap((s, i) => (s.syncedAt ? [] : [`${userIds[i]}: ${s.closed ?? 'not synced in time'}`])),
      rssBefore,
      rssPeak,
      events: shoppers.reduce((n, s) => n + (s.next - cursor - 1), 0),
      cpuSeconds: cpu,
      acceptQueuePeak,
    };
    log(`  ${target.name}: ${result.synced}/${userIds.length} synced in ${result.seconds.toFixed(2)} s, ` +
      `${result.gaps} gaps, ${result.duplicates} duplicates, peak RSS ${(rssPeak / 2 ** 20).toFixed(0)} MiB`);
    for (const failure of result.failed.slice(0, 5)) log(`    ${failure}`);
    return result;
  } finally {
    await Promise.all(sockets.map((ws) => new Promise<void>((resolve) => {
      if (ws.readyState === WebSocket.CLOSED) return resolve();
      ws.once('close', () => resolve());
      ws.terminate();
    })));
    await target.stop();
  }
}

function table(tidings: Measured, bare: Measured): string {
  const mib = (bytes: number) => bytes / 2 ** 20;
  const rows: [string, (m: Measured) => number, number][] = [
    ['time until all synced, s', (m) => m.seconds, 2],
    ['per-shopper time to synced p50, ms', (m) => m.p50, 0],
    ['per-shopper time to synced p99, ms', (m) => m.p99, 0],
    ['server CPU during the storm, s', (m) => m.cpuSeconds, 2],
    ['peak RSS during the storm, MiB', (m) => mib(m.rssPeak), 0],
    ['RSS growth during the storm, MiB', (m) => mib(m.rssPeak - m.rssBefore), 0],
  ];
  const lines = ['| figure | Tidings | bare ws | Tidings/bare |', '| --- | ---: | ---: | ---: |'];
  for (const [label, of, digits] of rows) {
    lines.push(`| ${label} | ${of(tidings).toFixed(digits)} | ${of(bare).toFixed(digits)} | ${(of(tidings) / of(bare)).toFixed(2)}× |`);
  }
  for (const [label, of] of [
    ['shoppers synced', (m: Measured) => m.synced],
    ['events received', (m: Measured) => m.events],
    ['gaps', (m: Measured) => m.gaps],
    ['duplicates', (m: Measured) => m.duplicates],
    ['accept queue peak (backlog 511: beyond it SYNs are dropped)', (m: Measured) => m.acceptQueuePeak],
  ] as const) {
    lines.push(`| ${label} | ${of(tidings)} | ${of(bare)} | |`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const profileDir = values.profile ? fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-storm-prof-')) : undefined;
  const baselineDir = fs.mkdtempSync(path.join(values['data-root'] ?? os.tmpdir(), 'tidings-storm-bare-'));
  const baselineLog = path.join(baselineDir, SQLITE_FILE_NAME);
  process.on('exit', () => fs.rmSync(baselineDir, { recursive: true, force: true }));
  const userIds = Array.from({ length: config.shoppers }, (_, i) => `storm-u${String(i).padStart(6, '0')}`);
  const loadBefore = os.loadavg()[0]!;
  log(`${config.shoppers} shoppers, each ${config.behind} events behind, reconnecting over ${config.spreadMs} ms`);
  log('Tidings');
  const tidingsTarget = await startTidings(userIds, {
    seed: async (dataDir) => {
      await seedLog(dataDir, userIds);
      // The baseline reads the very same rows, from its own copy of the file.
      fs.copyFileSync(path.join(dataDir, SQLITE_FILE_NAME), baselineLog);
    },
    ...(profileDir ? { cpuProfileDir: profileDir } : {}),
    ...(values['data-root'] ? { dataRoot: values['data-root'] } : {}),
  });
  const tidings = await measure(tidingsTarget, userIds);
  log('bare ws');
  const bare = await measure(await startBare({ eventLog: baselineLog }), userIds);
  const out = [
    '',
    `Reconnect storm: ${config.shoppers} shoppers, each ${config.behind} events behind, reconnecting over ${config.spreadMs} ms`,
    '',
    table(tidings, bare),
    '',
    `1-min load average ${loadBefore.toFixed(2)} before, ${os.loadavg()[0]!.toFixed(2)} after`,
  ];
  if (profileDir) {
    out.push(`CPU profile of the Tidings child: ${profileDir} (${tidings.events} events replayed; ` +
      `per event: node --import tsx bench/profile-breakdown.ts <file> ${tidings.events})`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
  if (tidings.failed.length > 0 || tidings.gaps > 0 || tidings.duplicates > 0) {
    throw new Error(`Tidings: ${tidings.failed.length} shoppers not synced, ${tidings.gaps} gaps, ${tidings.duplicates} duplicates`);
  }
}

runBenchmark(main);
