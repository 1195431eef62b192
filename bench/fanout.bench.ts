/**
 * Fan-out benchmark: one merchant request per message to N connected shoppers,
 * Tidings beside a bare `ws` server measured the same way in the same run.
 * See bench/README.md for what each figure means.
 *
 *   npm run bench                      # N = 100, 1000, 2000
 *   npm run bench -- --quick           # N = 100, fewer messages: a smoke run
 *   npm run bench -- --n 1000 --n 2000 --messages 5000 --rate 300 --seconds 10
 *   npm run bench -- --n 1000 --profile  # writes a CPU profile of the Tidings child
 *   npm run bench -- --data-root /dev/shm # Tidings' SQLite on tmpfs: fsync costs nothing
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ShopperFleet, runClosedLoop, runOpenLoop, type RunResult } from './load.js';
import { formatTable, percentile, type Figures } from './report.js';
import { guardBenchmark, runBenchmark, rssBytes, startBare, startTidings, type Target, type TidingsOptions } from './targets.js';
import { benchOptions, integerOption } from './options.js';

const values = benchOptions(
  'npm run bench -- [--quick] [--n N ...] [--messages M] [--in-flight K] [--rate R] [--seconds S]\n' +
    '                        [--profile] [--data-root DIR]',
  {
    n: { type: 'string', multiple: true },
    quick: { type: 'boolean', default: false },
    messages: { type: 'string' },
    'in-flight': { type: 'string' },
    rate: { type: 'string' },
    seconds: { type: 'string' },
    profile: { type: 'boolean', default: false },
    'data-root': { type: 'string' },
  },
);

const quick = values.quick;
const envN = process.env.BENCH_N?.split(',');
const sweep = (values.n ?? envN ?? (quick ? ['100'] : ['100', '1000', '2000']))
  .flatMap((v) => v.split(','))
  .map((v) => integerOption('n', v, 0));
const config = {
  sweep,
  messages: integerOption('messages', values.messages, quick ? 1000 : 3000),
  inFlight: integerOption('in-flight', values['in-flight'], 32),
  rate: integerOption('rate', values.rate, 200),
  seconds: integerOption('seconds', values.seconds, quick ? 3 : 5),
  warmup: quick ? 200 : 500,
  drainMs: 10_000,
};

guardBenchmark(15 * 60_000);

function openFileLimit(): number {
  try {
    const match = /^Max open files\s+(\d+|unlimited)/m.exec(fs.readFileSync('/proc/self/limits', 'utf8'));
    return match?.[1] === 'unlimited' ? Infinity : Number(match?.[1] ?? Infinity);
  } catch {
    return Infinity;
  }
}

/** The file system type of the mount holding `dir` (tmpfs, ext4, …), from /proc/mounts. */
function fileSystemOf(dir: string): string {
  try {
    const real = fs.realpathSync(dir);
    let best = { mount: '', type: 'unknown file system' };
    for (const line of fs.readFileSync('/proc/mounts', 'utf8').split('\n')) {
      const [, mount, type] = line.split(' ');
      if (!mount || !type) continue;
      const inside = real === mount || real.startsWith(mount.endsWith('/') ? mount : `${mount}/`);
      if (inside && mount.length > best.mount.length) best = { mount, type };
    }
    return best.type;
  } catch {
    return 'unknown file system';
  }
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function describeStatuses(run: RunResult): string {
  return [...run.statuses]
    .filter(([status]) => status !== 202)
    .map(([status, count]) => `${count}×${status === 0 ? 'network error' : status}`)
    .join(', ');
}

async function measure(start: (userIds: string[]) => Promise<Target>, n: number): Promise<Figures> {
  const userIds = Array.from({ length: n }, (_, i) => `bench-u${String(i).padStart(6, '0')}`);
  const target = await start(userIds);
  const fleet = new ShopperFleet(target, userIds);
  try {
    await sleep(500);
    const rssBefore = rssBytes(target.pid);
    const connectStart = Date.now();
    await fleet.connect();
    await sleep(1000);
    const rssAfter = rssBytes(target.pid);
    log(`  ${target.name}: ${n} shoppers ready in ${Date.now() - connectStart} ms`);

    await runClosedLoop(target, fleet, 'warm', config.warmup, config.inFlight, config.drainMs);
    const tput = await runClosedLoop(target, fleet, 'tput', config.messages, config.inFlight, config.drainMs);
    log(`  ${target.name}: ${tput.accepted}/${tput.sent} accepted in ${tput.seconds.toFixed(2)} s, ${tput.received} received`);
    await sleep(500);
    const steady = await runOpenLoop(target, fleet, 'lat', config.rate, config.seconds, config.drainMs);
    log(`  ${target.name}: steady ${config.rate}/s: ${steady.received}/${steady.sent} received, p99 ${percentile(steady.latencies, 99).toFixed(1)} ms`);

    return {
      acceptedPerSecond: tput.accepted / tput.seconds,
      receivedFraction: tput.accepted ? tput.received / tput.accepted : 0,
      p50: percentile(steady.latencies, 50),
      p99: percentile(steady.latencies, 99),
      max: percentile(steady.latencies, 100),
      receivedFractionSteady: steady.sent ? steady.received / steady.sent : 0,
      p99Saturated: percentile(tput.latencies, 99),
      generatorDelayP99: steady.generatorDelayP99,
      memoryPerConnection: (rssAfter - rssBefore) / n,
      rssBefore,
      rssAfter,
      errors: [describeStatuses(tput), describeStatuses(steady)].filter(Boolean).join('; '),
    };
  } finally {
    await fleet.close();
    await target.stop();
  }
}

async function main(): Promise<void> {
  const limit = openFileLimit();
  const largest = Math.max(...config.sweep);
  // This process holds one socket per shopper plus the HTTP pool; each server child holds as many again.
  if (largest + 200 > limit) {
    log(`open-file limit is ${limit} but N=${largest} needs more; raise it (ulimit -n ${largest * 2 + 1000}) or lower --n`);
    process.exit(2);
  }
  const tidingsOptions: TidingsOptions = {};
  if (values.profile) tidingsOptions.cpuProfileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-bench-prof-'));
  if (values['data-root']) tidingsOptions.dataRoot = values['data-root'];
  const dataRoot = tidingsOptions.dataRoot ?? os.tmpdir();

  const cpus = os.cpus();
  const machine = `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
    `Node ${process.version}, ${os.platform()} ${os.arch()}, open-file limit ${limit}`;
  log(`machine: ${machine}`);
  const loadBefore = os.loadavg()[0]!;
  if (loadBefore > 0.5) log(`note: load average is ${loadBefore.toFixed(2)} before starting; other work on this machine will skew the figures`);
  const started = Date.now();
  const results: { n: number; tidings: Figures; bare: Figures }[] = [];
  for (const n of config.sweep) {
    log(`N = ${n}`);
    const bare = await measure(() => startBare(), n);
    const tidings = await measure((userIds) => startTidings(userIds, tidingsOptions), n);
    results.push({ n, tidings, bare });
  }

  const out = [
    '',
    `Tidings fan-out benchmark — ${machine}`,
    `throughput: ${config.messages} messages after ${config.warmup} warm-up, 1 recipient each (round robin), ` +
      `${config.inFlight} requests in flight, keep-alive`,
    `latency: send-start → frame at the addressed client, open loop at ${config.rate} msg/s for ${config.seconds} s`,
    `memory: server RSS after all N ready minus before, divided by N`,
    `Tidings data dir under ${dataRoot} (${fileSystemOf(dataRoot)}); SQLite synchronous=FULL fsyncs there once per group commit (the messages accepted in one event-loop turn)`,
    '',
    formatTable(results),
    '',
    `finished in ${((Date.now() - started) / 1000).toFixed(0)} s; 1-min load average ${loadBefore.toFixed(2)} before, ` +
      `${os.loadavg()[0]!.toFixed(2)} after (this benchmark alone keeps about 2 cores busy while it sends)`,
  ];
  if (tidingsOptions.cpuProfileDir) out.push(`CPU profile of the Tidings child (Chrome DevTools, speedscope): ${tidingsOptions.cpuProfileDir}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

runBenchmark(main);
