/** A progress line: to stderr, so stdout holds only the results. */
export function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Nearest-rank percentile of unsorted samples; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export interface Figures {
  acceptedPerSecond: number;
  /** Fraction of accepted messages whose frame reached the addressed client, throughput run. */
  receivedFraction: number;
  /** Send-start → frame received, open-loop run at a steady rate (ms). */
  p50: number;
  p99: number;
  max: number;
  receivedFractionSteady: number;
  /** The same, during the closed-loop throughput run (the server saturated). */
  p99Saturated: number;
  /** Event-loop delay p99 of the load generator during the steady run (ms). */
  generatorDelayP99: number;
  memoryPerConnection: number;
  rssBefore: number;
  rssAfter: number;
  errors: string;
}

export interface Row {
  label: string;
  format: (f: Figures) => string;
  /** What the Tidings/baseline ratio is taken of; NaN: no ratio. */
  value: (f: Figures) => number;
}

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '—');
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const kib = (v: number) => `${(v / 1024).toFixed(1)} KiB`;
const mib = (v: number) => `${(v / 1024 / 1024).toFixed(1)} MiB`;

export const ROWS: Row[] = [
  { label: 'accepted msg/s', format: (f) => f.acceptedPerSecond.toFixed(0), value: (f) => f.acceptedPerSecond },
  { label: 'received (tput run)', format: (f) => pct(f.receivedFraction), value: (f) => f.receivedFraction },
  { label: 'latency p50 ms', format: (f) => ms(f.p50), value: (f) => f.p50 },
  { label: 'latency p99 ms', format: (f) => ms(f.p99), value: (f) => f.p99 },
  { label: 'latency max ms', format: (f) => ms(f.max), value: (f) => f.max },
  { label: 'received (steady)', format: (f) => pct(f.receivedFractionSteady), value: (f) => f.receivedFractionSteady },
  { label: 'p99 ms, saturated', format: (f) => ms(f.p99Saturated), value: (f) => f.p99Saturated },
  { label: 'load-gen loop p99 ms', format: (f) => ms(f.generatorDelayP99), value: () => NaN },
  { label: 'memory / connection', format: (f) => kib(f.memoryPerConnection), value: (f) => f.memoryPerConnection },
  { label: 'RSS before → after', format: (f) => `${mib(f.rssBefore)}→${mib(f.rssAfter)}`, value: () => NaN },
];

function ratio(tidings: number, bare: number): string {
  if (!Number.isFinite(tidings) || !Number.isFinite(bare) || bare === 0) return '—';
  return `${(tidings / bare).toFixed(2)}×`;
}

/** One block per N: each figure for Tidings, for the bare baseline, and Tidings/baseline. */
export function formatTable(results: { n: number; tidings: Figures; bare: Figures }[]): string {
  const header = ['N', 'figure', 'Tidings', 'bare ws', 'Tidings/bare'];
  const lines: string[][] = [];
  for (const { n, tidings, bare } of results) {
    ROWS.forEach((row, i) => {
      lines.push([i === 0 ? String(n) : '', row.label, row.format(tidings), row.format(bare), ratio(row.value(tidings), row.value(bare))]);
    });
    for (const [name, figures] of [['Tidings', tidings], ['bare ws', bare]] as const) {
      if (figures.errors) lines.push(['', `${name} non-202`, figures.errors, '', '']);
    }
    lines.push(['', '', '', '', '']);
  }
  lines.pop();
  const widths = header.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c]!.length)));
  const render = (cells: string[]) =>
    cells.map((cell, c) => (c >= 2 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd();
  return [render(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(render)].join('\n');
}
