/**
 * Steady-load benchmark (issue 13): N connected shoppers, all in one topic;
 * direct messages at a steady rate (open loop) and a broadcast to the whole
 * topic every few seconds, for a minute. Tidings beside the bare `ws`
 * baseline, in the same run, one server at a time.
 *
 *   npm run bench:steady                                   # 10,000 shoppers, 1,000 msg/s, 60 s, a broadcast every 10 s
 *   npm run bench:steady -- --shoppers 2000 --seconds 20   # a smaller run
 *   npm run bench:steady -- --plot steady-load.svg         # also draws p99 and memory over time
 *   npm run bench:steady -- --profile                      # CPU profile of the Tidings child
 *
 * Per window of the run (by the moment a message was sent): the p99 latency
 * of direct messages and of broadcast deliveries, and the server's peak RSS.
 * Every accepted message must reach every addressed connection: the run
 * fails when anything is missing or arrives unasked. See bench/README.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ShopperFleet, Sender } from './load.js';
import { log, percentile } from './report.js';
import { guardBenchmark, runBenchmark, rssBytes, startBare, startTidings, type Target } from './targets.js';
import { benchOptions, integerOption } from './options.js';

const values = benchOptions(
  'npm run bench:steady -- [--shoppers N] [--rate R] [--seconds S] [--broadcast-every B] [--window W] [--plot FILE.svg] [--profile] [--data-root DIR]',
  {
    shoppers: { type: 'string' },
    rate: { type: 'string' },
    seconds: { type: 'string' },
    'broadcast-every': { type: 'string' },
    window: { type: 'string' },
    plot: { type: 'string' },
    profile: { type: 'boolean', default: false },
    'data-root': { type: 'string' },
  },
);

const TOPIC = 'steady';
const config = {
  shoppers: integerOption('shoppers', values.shoppers, 10_000, 1),
  rate: integerOption('rate', values.rate, 1_000, 1),
  seconds: integerOption('seconds', values.seconds, 60, 1),
  broadcastEvery: integerOption('broadcast-every', values['broadcast-every'], 10, 1),
  window: integerOption('window', values.window, 5, 1),
  drainMs: 30_000,
};

guardBenchmark(20 * 60_000);

/** One window of the run: latencies of what was sent in it, and the server's peak RSS while it lasted. */
interface Slice {
  direct: number[];
  broadcast: number[];
  peakRss: number;
}

interface Measured {
  slices: Slice[];
  directSent: number;
  broadcastsSent: number;
  expected: number;
  received: number;
  unexpected: number;
  refused: string;
  idleRss: number;
  generatorDelayP99: number;
}

async function measure(start: (userIds: string[]) => Promise<Target>): Promise<Measured> {
  const userIds = Array.from({ length: config.shoppers }, (_, i) => `steady-u${String(i).padStart(6, '0')}`);
  const target = await start(userIds);
  const fleet = new ShopperFleet(target, userIds);
  const windows = Math.ceil(config.seconds / config.window);
  const slices: Slice[] = Array.from({ length: windows }, () => ({ direct: [], broadcast: [], peakRss: 0 }));
  const direct = new Sender(target, fleet, 'd', 32);
  const broadcast = new Sender(target, fleet, 'b', 2);
  try {
    await fleet.connect();
    await sleep(1000);
    const idleRss = rssBytes(target.pid);
    log(`  ${target.name}: ${userIds.length} shoppers connected, RSS ${(idleRss / 2 ** 20).toFixed(0)} MiB`);

    const start = performance.now();
    const sliceAt = (t: number) => slices[Math.min(windows - 1, Math.max(0, Math.floor((t - start) / 1000 / config.window)))]!;
    fleet.onDelivered = (title, latency, at) => {
      const slice = sliceAt(at - latency);
      (title.startsWith('b-') ? slice.broadcast : slice.direct).push(latency);
    };
    const sampler = setInterval(() => {
      const slice = sliceAt(performance.now());
      slice.peakRss = Math.max(slice.peakRss, rssBytes(target.pid));
    }, 250);
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();

    const directReplies: Promise<boolean>[] = [];
    const broadcastReplies: Promise<boolean>[] = [];
    const total = config.rate * config.seconds;
    const broadcasts = Math.ceil(config.seconds / config.broadcastEvery);
    while (directReplies.length < total) {
      const elapsed = (performance.now() - start) / 1000;
      const due = Math.min(total, Math.floor(elapsed * config.rate) + 1);
      while (directReplies.length < due) directReplies.push(direct.sendOne());
      const broadcastsDue = Math.min(broadcasts, Math.floor(elapsed / config.broadcastEvery) + 1);
      while (broadcastReplies.length < broadcastsDue) broadcastReplies.push(broadcast.broadcastOne(TOPIC, userIds.length));
      await sleep(1);
    }
    const directAccepted = (await Promise.all(directReplies)).filter(Boolean).length;
    const broadcastsAccepted = (await Promise.all(broadcastReplies)).filter(Boolean).length;
    const expected = directAccepted + broadcastsAccepted * userIds.length;
    await fleet.waitForReceived(expected, config.drainMs);
    clearInterval(sampler);
    delay.disable();
    const refused = [...direct.statuses, ...broadcast.statuses].filter(([status]) => status !== 202).map(([status, n]) => `${n}×${status}`);
    return {
      slices,
      directSent: total,
      broadcastsSent: broadcasts,
      expected,
      received: fleet.received,
      unexpected: fleet.unexpected,
      refused: refused.join(', ') || 'none',
      idleRss,
      generatorDelayP99: delay.percentile(99) / 1e6,
    };
  } finally {
    await direct.close();
    await broadcast.close();
    await fleet.close();
    await target.stop();
  }
}

const mib = (bytes: number) => bytes / 2 ** 20;
const fixed = (value: number, digits = 0) => (Number.isNaN(value) ? '–' : value.toFixed(digits));
const all = (m: Measured, kind: 'direct' | 'broadcast') => m.slices.flatMap((slice) => slice[kind]);

function overTime(tidings: Measured, bare: Measured): string {
  const lines = [
    '| window (s) | direct p99 ms: Tidings | bare | broadcast p99 ms: Tidings | bare | peak RSS MiB: Tidings | bare |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  tidings.slices.forEach((t, i) => {
    const b = bare.slices[i]!;
    lines.push(`| ${i * config.window}–${Math.min(config.seconds, (i + 1) * config.window)} | ` +
      `${fixed(percentile(t.direct, 99))} | ${fixed(percentile(b.direct, 99))} | ` +
      `${fixed(percentile(t.broadcast, 99))} | ${fixed(percentile(b.broadcast, 99))} | ` +
      `${fixed(mib(t.peakRss))} | ${fixed(mib(b.peakRss))} |`);
  });
  return lines.join('\n');
}

function summary(tidings: Measured, bare: Measured): string {
  const rows: [string, (m: Measured) => number, number][] = [
    ['direct p50 ms', (m) => percentile(all(m, 'direct'), 50), 0],
    ['direct p99 ms', (m) => percentile(all(m, 'direct'), 99), 0],
    ['broadcast delivery p99 ms', (m) => percentile(all(m, 'broadcast'), 99), 0],
    ['idle RSS MiB (all connected)', (m) => mib(m.idleRss), 0],
    ['peak RSS MiB under load', (m) => mib(Math.max(...m.slices.map((s) => s.peakRss))), 0],
    ['delivered ÷ expected', (m) => m.received / m.expected, 4],
  ];
  const lines = ['| figure | Tidings | bare ws | Tidings/bare |', '| --- | ---: | ---: | ---: |'];
  for (const [label, of, digits] of rows) {
    lines.push(`| ${label} | ${fixed(of(tidings), digits)} | ${fixed(of(bare), digits)} | ${fixed(of(tidings) / of(bare), 2)}× |`);
  }
  lines.push(`| unexpected frames | ${tidings.unexpected} | ${bare.unexpected} | |`);
  lines.push(`| refused requests | ${tidings.refused} | ${bare.refused} | |`);
  lines.push(`| load-generator loop delay p99 ms | ${fixed(tidings.generatorDelayP99)} | ${fixed(bare.generatorDelayP99)} | |`);
  return lines.join('\n');
}

/** Two small line charts over the run's windows: direct p99 and peak RSS, Tidings beside bare. */
function plot(tidings: Measured, bare: Measured): string {
  const width = 320;
  const height = 160;
  const pad = 36;
  const panel = (title: string, of: (s: Slice) => number, unit: string, x0: number): string => {
    const series = [tidings, bare].map((m) => m.slices.map(of));
    const top = Math.max(1, ...series.flat().filter(Number.isFinite)) * 1.1;
    const px = (i: number) => x0 + pad + (i / Math.max(1, tidings.slices.length - 1)) * (width - pad - 8);
    const py = (v: number) => height - pad + 8 - (v / top) * (height - pad - 8);
    const line = (points: number[], colour: string, dash: string) =>
      `<polyline fill="none" stroke="${colour}" stroke-width="2"${dash} points="${points
        .map((v, i) => (Number.isFinite(v) ? `${px(i).toFixed(1)},${py(v).toFixed(1)}` : ''))
        .filter(Boolean).join(' ')}"/>`;
    return [
      `<text x="${x0 + pad}" y="14" font-size="12">${title}</text>`,
      `<line x1="${x0 + pad}" y1="${py(0)}" x2="${x0 + width - 8}" y2="${py(0)}" stroke="#999"/>`,
      `<line x1="${x0 + pad}" y1="${py(0)}" x2="${x0 + pad}" y2="${py(top)}" stroke="#999"/>`,
      `<text x="${x0 + 2}" y="${py(top) + 10}" font-size="10">${top.toFixed(0)} ${unit}</text>`,
      `<text x="${x0 + 2}" y="${py(0)}" font-size="10">0</text>`,
      `<text x="${x0 + width - 60}" y="${height - 6}" font-size="10">${config.seconds} s</text>`,
      line(series[0]!, '#b33c00', ''),
      line(series[1]!, '#2a6fb0', ' stroke-dasharray="4 3"'),
    ].join('\n');
  };
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * width}" height="${height + 14}" font-family="sans-serif">`,
    '<rect width="100%" height="100%" fill="#fff"/>',
    panel('direct message p99 (ms)', (s) => percentile(s.direct, 99), 'ms', 0),
    panel('server peak RSS (MiB)', (s) => mib(s.peakRss), 'MiB', width),
    `<text x="${pad}" y="${height + 10}" font-size="10" fill="#b33c00">— Tidings</text>`,
    `<text x="${pad + 80}" y="${height + 10}" font-size="10" fill="#2a6fb0">- - bare ws</text>`,
    '</svg>',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const profileDir = values.profile ? fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-steady-prof-')) : undefined;
  const loadBefore = os.loadavg()[0]!;
  log(`${config.shoppers} shoppers in topic "${TOPIC}", ${config.rate} direct msg/s for ${config.seconds} s, a broadcast every ${config.broadcastEvery} s`);
  log('bare ws');
  const bare = await measure(() => startBare({ topic: TOPIC }));
  log('Tidings');
  const tidings = await measure((userIds) => startTidings(userIds, {
    topic: TOPIC,
    ...(profileDir ? { cpuProfileDir: profileDir } : {}),
    ...(values['data-root'] ? { dataRoot: values['data-root'] } : {}),
  }));
  if (values.plot) fs.writeFileSync(values.plot, plot(tidings, bare));
  process.stdout.write([
    '',
    `Steady load: ${config.shoppers} shoppers, ${config.rate} direct msg/s for ${config.seconds} s, a broadcast to all every ${config.broadcastEvery} s`,
    '',
    overTime(tidings, bare),
    '',
    summary(tidings, bare),
    '',
    `1-min load average ${loadBefore.toFixed(2)} before, ${os.loadavg()[0]!.toFixed(2)} after`,
    ...(profileDir ? [`CPU profile of the Tidings child: ${profileDir} (per delivery: node --import tsx bench/profile-breakdown.ts <file> ${tidings.received})`] : []),
    '',
  ].join('\n'));
  const lost = [tidings, bare].filter((m) => m.received !== m.expected || m.unexpected > 0);
  if (lost.length > 0) throw new Error(`not every message arrived exactly once: ${lost.map((m) => `${m.received}/${m.expected}, ${m.unexpected} unexpected`).join('; ')}`);
}

runBenchmark(main);
