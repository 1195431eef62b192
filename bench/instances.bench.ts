/**
 * Two instances beside one: the send→receive path when the shopper's stream
 * and the merchant's request land on different Tidings processes, so every
 * live event crosses Redis, compared in the same run with one process doing
 * both. Both setups use the same PostgreSQL store and Redis bus (a fresh
 * schema and channel prefix each). See bench/README.md.
 *
 *   node --import tsx bench/instances.bench.ts
 *   node --import tsx bench/instances.bench.ts --n 500 --messages 5000 --rate 300 --seconds 10
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestSchema, type TestSchema } from '../server/test-support/postgres-schema.js';
import { startServerProcess, type ServerProcess } from '../server/test-support/server-process.js';
import { postgresAvailable, redisAvailable, TEST_DATABASE_URL, TEST_REDIS_URL } from '../server/test-support/services.js';
import { ShopperFleet, runClosedLoop, runOpenLoop, type RunResult } from './load.js';
import { log, percentile, ROWS, type Figures } from './report.js';
import { BENCH_MERCHANT_KEY, guardBenchmark, killAllTargets, mintTokens, stopChild, trackChild, type Target } from './targets.js';
import { benchOptions, integerOption } from './options.js';

const values = benchOptions(
  'node --import tsx bench/instances.bench.ts [--n N] [--messages M] [--in-flight K] [--rate R] [--seconds S]',
  {
    n: { type: 'string' },
    messages: { type: 'string' },
    'in-flight': { type: 'string' },
    rate: { type: 'string' },
    seconds: { type: 'string' },
  },
);

const config = {
  n: integerOption('n', values.n, 200),
  messages: integerOption('messages', values.messages, 2000),
  inFlight: integerOption('in-flight', values['in-flight'], 32),
  rate: integerOption('rate', values.rate, 200),
  seconds: integerOption('seconds', values.seconds, 5),
  warmup: 300,
  drainMs: 10_000,
};

// ---- processes: every child is killed however the run ends ------------------------------------

const schemas = new Set<TestSchema>();

guardBenchmark(5 * 60_000);

const auth = { 'content-type': 'application/json', authorization: `Bearer ${BENCH_MERCHANT_KEY}` };

/**
 * `instances` Tidings processes on a fresh schema and channel prefix; shoppers
 * stream from the first, the merchant sends through the last (the same one
 * when there is one).
 */
async function startSetup(name: string, instances: 1 | 2, userIds: string[]): Promise<Target> {
  const schema = await createTestSchema();
  schemas.add(schema);
  const databaseUrl = new URL(TEST_DATABASE_URL);
  databaseUrl.searchParams.set('options', `-c search_path=${schema.name}`);
  const env = {
    DATABASE_URL: databaseUrl.toString(),
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: `tidings-bench:${randomBytes(6).toString('hex')}:`,
    BOOTSTRAP_MERCHANT_KEY: BENCH_MERCHANT_KEY,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_MERCHANT_PER_SECOND: '0',
    RATE_LIMIT_IP_PER_SECOND: '0',
    // Thousands of streams from one IP, opened at once.
    STREAM_MAX_PER_IP: '0',
    STREAM_UPGRADES_PER_SECOND: '0',
  };
  const servers: ServerProcess[] = [];
  // One after the other: the first migrates and creates the bootstrap merchant.
  for (let i = 0; i < instances; i++) {
    const server = await startServerProcess(env);
    trackChild(server.child);
    servers.push(server);
  }
  const receiving = servers[0]!;
  const sending = servers[servers.length - 1]!;
  const tokens = await mintTokens(receiving.url, auth, userIds);
  return {
    name,
    pid: receiving.child.pid!,
    url: sending.url,
    wsUrl: receiving.wsUrl,
    sendHeaders: auth,
    readyFrame: 'synced',
    hello: (userId) => JSON.stringify({ type: 'hello', token: tokens.get(userId), protocol: 1 }),
    async stop() {
      await Promise.all(servers.map((server) => stopChild(server.child, server.exited)));
      await schema.drop();
      schemas.delete(schema);
    },
  };
}

// ---- measuring ----------------------------------------------------------------------------

function describeStatuses(run: RunResult): string {
  return [...run.statuses]
    .filter(([status]) => status !== 202)
    .map(([status, count]) => `${count}×${status === 0 ? 'network error' : status}`)
    .join(', ');
}

async function measure(name: string, instances: 1 | 2): Promise<Figures> {
  const userIds = Array.from({ length: config.n }, (_, i) => `bench-u${String(i).padStart(6, '0')}`);
  const target = await startSetup(name, instances, userIds);
  const fleet = new ShopperFleet(target, userIds);
  try {
    await fleet.connect();
    log(`  ${name}: ${config.n} shoppers ready`);
    await runClosedLoop(target, fleet, 'warm', config.warmup, config.inFlight, config.drainMs);
    const tput = await runClosedLoop(target, fleet, 'tput', config.messages, config.inFlight, config.drainMs);
    log(`  ${name}: ${tput.accepted}/${tput.sent} accepted in ${tput.seconds.toFixed(2)} s, ${tput.received} received`);
    await sleep(500);
    const steady = await runOpenLoop(target, fleet, 'lat', config.rate, config.seconds, config.drainMs);
    log(`  ${name}: steady ${config.rate}/s: ${steady.received}/${steady.sent} received, p99 ${percentile(steady.latencies, 99).toFixed(1)} ms`);
    return {
      acceptedPerSecond: tput.accepted / tput.seconds,
      receivedFraction: tput.accepted ? tput.received / tput.accepted : 0,
      p50: percentile(steady.latencies, 50),
      p99: percentile(steady.latencies, 99),
      max: percentile(steady.latencies, 100),
      receivedFractionSteady: steady.sent ? steady.received / steady.sent : 0,
      p99Saturated: percentile(tput.latencies, 99),
      generatorDelayP99: steady.generatorDelayP99,
      // Not measured here: the fan-out benchmark covers memory per connection.
      memoryPerConnection: NaN,
      rssBefore: NaN,
      rssAfter: NaN,
      errors: [describeStatuses(tput), describeStatuses(steady)].filter(Boolean).join('; '),
    };
  } finally {
    await fleet.close();
    await target.stop();
  }
}

function formatTable(one: Figures, two: Figures): string {
  const header = ['figure', 'one instance', 'two (A ← Redis ← B)', 'two/one'];
  const rows = ROWS.filter((row) => !/memory|RSS/.test(row.label)).map((row) => {
    const a = row.value(two);
    const b = row.value(one);
    const ratio = Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? `${(a / b).toFixed(2)}×` : '—';
    return [row.label, row.format(one), row.format(two), ratio];
  });
  if (one.errors || two.errors) rows.push(['non-202', one.errors || '—', two.errors || '—', '']);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const render = (cells: string[]) => cells.map((cell, c) => (c >= 1 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ');
  return [render(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(render)].join('\n');
}

async function main(): Promise<void> {
  for (const availability of [await postgresAvailable(), await redisAvailable()]) {
    if (!availability.ok) {
      log(`cannot run: ${availability.reason} (set TEST_DATABASE_URL / TEST_REDIS_URL, or start them with .ci/run)`);
      process.exit(2);
    }
  }
  const cpus = os.cpus();
  const machine = `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}`;
  log(`machine: ${machine}`);
  const loadBefore = os.loadavg()[0]!;
  const started = Date.now();
  log('one instance');
  const one = await measure('one instance', 1);
  log('two instances');
  const two = await measure('two instances', 2);

  const out = [
    '',
    `Tidings instances benchmark — ${machine}; PostgreSQL store, Redis bus, N = ${config.n} shoppers`,
    `one: shoppers and merchant on A. two: shoppers on A, merchant through B (every live event crosses Redis)`,
    `throughput: ${config.messages} messages after ${config.warmup} warm-up, 1 recipient each (round robin), ${config.inFlight} in flight`,
    `latency: send-start → frame at the addressed client, open loop at ${config.rate} msg/s for ${config.seconds} s`,
    '',
    formatTable(one, two),
    '',
    `finished in ${((Date.now() - started) / 1000).toFixed(0)} s; 1-min load average ${loadBefore.toFixed(2)} before, ${os.loadavg()[0]!.toFixed(2)} after`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

async function cleanUp(): Promise<void> {
  killAllTargets();
  await Promise.all([...schemas].map((schema) => schema.drop().catch(() => undefined)));
}

main().then(
  async () => {
    await cleanUp();
    process.exit(0);
  },
  async (err: unknown) => {
    log(`benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    await cleanUp();
    process.exit(1);
  },
);
