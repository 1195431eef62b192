/**
 * Flash-sale benchmark (issue 13): broadcasts to a topic that every connected
 * shopper joined, Tidings beside the bare `ws` baseline in the same run.
 *
 *   npm run bench:flash-sale                                  # 1,000 subscribers, 100 messages, 10 in flight, 3 rounds
 *   npm run bench:flash-sale -- --subscribers 5000 --messages 0   # idle memory per connection only
 *   npm run bench:flash-sale -- --profile                     # CPU profile of the Tidings child
 *
 * Each server is started once, its shoppers connect, a warm-up burst goes
 * out, then `--rounds` bursts of `--messages` broadcasts with `--in-flight`
 * requests outstanding. A delivery is one frame read by one subscriber; its
 * latency runs from the moment the request was issued. See bench/README.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ShopperFleet, Sender } from './load.js';
import { log, percentile } from './report.js';
import { cpuSeconds, guardBenchmark, runBenchmark, rssBytes, startBare, startTidings, type Target } from './targets.js';
import { benchOptions, integerOption } from './options.js';
import { SQLITE_FILE_NAME } from '../server/store/sqlite/sqlite-store.js';

const values = benchOptions(
  'npm run bench:flash-sale -- [--subscribers N] [--messages M] [--in-flight K] [--rounds R] [--profile] [--data-root DIR]',
  {
    subscribers: { type: 'string' },
    messages: { type: 'string' },
    'in-flight': { type: 'string' },
    rounds: { type: 'string' },
    profile: { type: 'boolean', default: false },
    'data-root': { type: 'string' },
  },
);

const TOPIC = 'flash-sale';
const config = {
  subscribers: integerOption('subscribers', values.subscribers, 1_000, 1),
  messages: integerOption('messages', values.messages, 100, 0),
  inFlight: integerOption('in-flight', values['in-flight'], 10, 1),
  rounds: integerOption('rounds', values.rounds, 3, 1),
  drainMs: 30_000,
};

guardBenchmark(15 * 60_000);

interface Burst {
  deliveriesPerSecond: number;
  p50: number;
  p99: number;
  delivered: number;
  expected: number;
  /** CPU time per delivery, in µs, of the server process (every thread) and of this load generator. */
  serverCpuUs: number;
  generatorCpuUs: number;
  /** Tidings: the largest its SQLite WAL file grew during the round, in bytes (sampled every 100 ms). */
  walBytes: number;
}

/** `messages` broadcasts, `inFlight` outstanding; waits until every copy arrived (or the drain timed out). */
async function burst(target: Target, fleet: ShopperFleet, prefix: string, messages: number): Promise<Burst> {
  fleet.reset();
  const sender = new Sender(target, fleet, prefix, config.inFlight);
  const copies = fleet.userIds.length;
  let issued = 0;
  let accepted = 0;
  let walBytes = 0;
  const walFile = target.dataDir && path.join(target.dataDir, `${SQLITE_FILE_NAME}-wal`);
  const sampleWal = () => {
    if (walFile && fs.existsSync(walFile)) walBytes = Math.max(walBytes, fs.statSync(walFile).size);
  };
  const walSampler = setInterval(sampleWal, 100);
  const serverCpuBefore = cpuSeconds(target.pid);
  const generatorCpuBefore = process.cpuUsage();
  const start = performance.now();
  const worker = async () => {
    while (issued < messages) {
      issued++;
      if (await sender.broadcastOne(TOPIC, copies)) accepted++;
    }
  };
  await Promise.all(Array.from({ length: config.inFlight }, worker));
  await fleet.waitForReceived(accepted * copies, config.drainMs);
  const serverCpu = cpuSeconds(target.pid) - serverCpuBefore;
  clearInterval(walSampler);
  sampleWal();
  const generatorCpu = process.cpuUsage(generatorCpuBefore);
  await sender.close();
  const seconds = (fleet.lastReceivedAt - start) / 1000;
  const perDelivery = (cpu: number) => (cpu * 1e6) / Math.max(1, fleet.received);
  return {
    deliveriesPerSecond: fleet.received / seconds,
    p50: percentile(fleet.latencies, 50),
    p99: percentile(fleet.latencies, 99),
    delivered: fleet.received,
    expected: messages * copies,
    serverCpuUs: perDelivery(serverCpu),
    generatorCpuUs: perDelivery((generatorCpu.user + generatorCpu.system) / 1e6),
    walBytes,
  };
}

interface Measured {
  bursts: Burst[];
  memoryPerConnection: number;
  /** Every frame delivered while the server ran, warm-up included: what a CPU profile of it covers. */
  deliveredInAll: number;
}

async function measure(start: (userIds: string[]) => Promise<Target>): Promise<Measured> {
  const userIds = Array.from({ length: config.subscribers }, (_, i) => `flash-u${String(i).padStart(6, '0')}`);
  const target = await start(userIds);
  const fleet = new ShopperFleet(target, userIds);
  try {
    await sleep(500);
    const rssBefore = rssBytes(target.pid);
    await fleet.connect();
    await sleep(1000);
    const memoryPerConnection = (rssBytes(target.pid) - rssBefore) / userIds.length;
    log(`  ${target.name}: ${userIds.length} subscribers connected, ${(memoryPerConnection / 1024).toFixed(1)} KiB each`);
    const bursts: Burst[] = [];
    let deliveredInAll = 0;
    if (config.messages > 0) {
      deliveredInAll += (await burst(target, fleet, 'warm', Math.max(1, Math.round(config.messages / 5)))).delivered;
      for (let round = 0; round < config.rounds; round++) {
        const result = await burst(target, fleet, `r${round}`, config.messages);
        log(`  ${target.name} round ${round + 1}: ${result.delivered}/${result.expected} delivered, ` +
          `${result.deliveriesPerSecond.toFixed(0)}/s, p50 ${result.p50.toFixed(0)} ms, p99 ${result.p99.toFixed(0)} ms`);
        bursts.push(result);
        deliveredInAll += result.delivered;
      }
    }
    return { bursts, memoryPerConnection, deliveredInAll };
  } finally {
    await fleet.close();
    await target.stop();
  }
}

const median = (xs: number[]) => percentile(xs, 50);
const spread = (xs: number[], digits = 0) => `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;

function table(tidings: Measured, bare: Measured): string {
  const rows: [string, (m: Measured) => number[]][] = [
    ['deliveries/s', (m) => m.bursts.map((b) => b.deliveriesPerSecond)],
    ['latency p50 ms', (m) => m.bursts.map((b) => b.p50)],
    ['latency p99 ms', (m) => m.bursts.map((b) => b.p99)],
    ['delivered', (m) => m.bursts.map((b) => b.delivered / b.expected)],
    ['server CPU µs / delivery', (m) => m.bursts.map((b) => b.serverCpuUs)],
    ['load generator CPU µs / delivery', (m) => m.bursts.map((b) => b.generatorCpuUs)],
    // Both processes share the machine's cores: the most deliveries/s they could reach with every core busy.
    ['cores ÷ (server + generator CPU per delivery), /s', (m) => m.bursts.map((b) => (os.cpus().length * 1e6) / (b.serverCpuUs + b.generatorCpuUs))],
  ];
  const lines = ['| figure (median of rounds; range) | Tidings | bare ws | Tidings/bare |', '| --- | ---: | ---: | ---: |'];
  if (config.messages > 0) {
    for (const [label, of] of rows) {
      const t = of(tidings);
      const b = of(bare);
      const digits = label === 'delivered' ? 3 : label.includes('µs') ? 1 : 0;
      lines.push(`| ${label} | ${median(t).toFixed(digits)} (${spread(t, digits)}) | ${median(b).toFixed(digits)} (${spread(b, digits)}) | ` +
        `${(median(t) / median(b)).toFixed(2)}× |`);
    }
  }
  const kib = (m: Measured) => m.memoryPerConnection / 1024;
  lines.push(`| memory / idle connection KiB | ${kib(tidings).toFixed(1)} | ${kib(bare).toFixed(1)} | ${(kib(tidings) / kib(bare)).toFixed(2)}× |`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const profileDir = values.profile ? fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-flash-prof-')) : undefined;
  const loadBefore = os.loadavg()[0]!;
  log(`topic "${TOPIC}": ${config.subscribers} subscribers, ${config.messages} messages × ${config.rounds} rounds, ${config.inFlight} in flight`);
  log('bare ws');
  const bare = await measure(() => startBare({ topic: TOPIC }));
  log('Tidings');
  const tidings = await measure((userIds) => startTidings(userIds, {
    topic: TOPIC,
    ...(profileDir ? { cpuProfileDir: profileDir } : {}),
    ...(values['data-root'] ? { dataRoot: values['data-root'] } : {}),
  }));
  const out = [
    '',
    `Flash sale: topic, ${config.subscribers} subscribers, ${config.messages} messages, ${config.inFlight} in flight, ${config.rounds} rounds`,
    '',
    table(tidings, bare),
    '',
    `1-min load average ${loadBefore.toFixed(2)} before, ${os.loadavg()[0]!.toFixed(2)} after`,
  ];
  if (tidings.bursts.length > 0) {
    const mib = tidings.bursts.map((b) => b.walBytes / 2 ** 20);
    out.push(`Tidings' WAL file at its largest, per round: ${mib.map((m) => m.toFixed(1)).join(', ')} MiB`);
  }
  if (profileDir) {
    out.push(`CPU profile of the Tidings child: ${profileDir} (${tidings.deliveredInAll} deliveries in all; ` +
      `per delivery: node --import tsx bench/profile-breakdown.ts <file> ${tidings.deliveredInAll})`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

runBenchmark(main);
