/**
 * The inbox at 100,000 messages, in Chromium: time to the first page for each
 * view, ordering and filter, beside the naive baseline (load all, filter and
 * sort in JavaScript) measured in the same run; and time to ingest 10,000
 * synced messages. Run: `npx tsx bench/inbox.bench.ts [--messages 100000] [--runs 7]`.
 *
 * The page code (bench/inbox-bench-page.ts) is bundled from the app's own
 * source with esbuild here and served on a stub origin by Playwright's router:
 * nothing of the bench reaches the production build.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { withBenchPage } from './bench-page.js';
import type { Case } from './inbox-bench-page.js';

const { values } = parseArgs({ options: { messages: { type: 'string', default: '100000' }, runs: { type: 'string', default: '7' } } });
const TOTAL = Number(values.messages);
const RUNS = Number(values.runs);
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 0, 1);

const CASES: [string, Case][] = [];
for (const ordering of ['priority', 'newest'] as const) {
  const add = (name: string, c: Omit<Case, 'ordering'>) => CASES.push([`${name}, ${ordering}`, { ...c, ordering }]);
  add('inbox, no filter', { view: 'inbox', filter: {} });
  add('inbox, category=chat', { view: 'inbox', filter: { categories: ['chat'] } });
  add('inbox, type=user', { view: 'inbox', filter: { types: ['user'] } });
  add('inbox, unread only', { view: 'inbox', filter: { unreadOnly: true } });
  add('inbox, priority>=4', { view: 'inbox', filter: { minPriority: 4 } });
  add('inbox, last 30 days', { view: 'inbox', filter: { fromMs: NOW - 30 * DAY, toMs: NOW + DAY } });
  add('inbox, search "refund"', { view: 'inbox', filter: { search: 'refund' } });
  add('inbox, search "#99999" (rare)', { view: 'inbox', filter: { search: '#99999' } });
  add('inbox, order+unread+p>=3', { view: 'inbox', filter: { categories: ['order'], unreadOnly: true, minPriority: 3 } });
  add('archive, no filter', { view: 'archive', filter: {} });
  add('history, no filter', { view: 'history', filter: {} });
}

const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));

async function main(): Promise<void> {
  const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'inbox-bench-page.ts');
  await withBenchPage(entry, 'inbox bench', async (page) => {
    console.error(`seeding ${TOTAL} messages through applyEvents…`);
    const seedStart = Date.now();
    const stored = await page.evaluate((total) => (globalThis as any).inboxBench.seed(total), TOTAL);
    console.error(`seeded ${stored} in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);
    const unread = await page.evaluate((runs) => (globalThis as any).inboxBench.timeUnread(runs), RUNS);
    const unreadLine = `Unread counts (threads ${unread.threads}, messages ${unread.messages}) and next unread expiry, together: ${fmt(unread.ms)} ms (median of ${RUNS})`;
    console.error(`  ${unreadLine}`);

    const rows: string[][] = [];
    for (const [name, c] of CASES) {
      const indexed = await page.evaluate(([c, runs]) => (globalThis as any).inboxBench.timeIndexed(c, runs), [c, RUNS] as const);
      const naive = await page.evaluate(([c]) => (globalThis as any).inboxBench.timeNaive(c, 3), [c] as const);
      rows.push([name, fmt(indexed.ms), fmt(naive.ms), `${(naive.ms / indexed.ms).toFixed(0)}×`, `${indexed.rows}${indexed.more ? '+' : ''}`, String(naive.rows)]);
      console.error(`  ${name}: ${fmt(indexed.ms)} ms vs ${fmt(naive.ms)} ms`);
    }
    const smartRows: string[] = [];
    for (const [name, c] of CASES.filter(([name]) => name.endsWith(', priority') && name.startsWith('inbox'))) {
      const smart = await page.evaluate(([c, runs]) => (globalThis as any).inboxBench.timeSmart(c, runs), [c, RUNS] as const);
      smartRows.push(`| ${name.slice(0, -', priority'.length)} | ${fmt(smart.ms)} | ${fmt(smart.staticMs)} | ${(smart.ms / smart.staticMs).toFixed(1)}× | ${smart.rows} |`);
      console.error(`  smart ${name}: ${fmt(smart.ms)} ms vs static ${fmt(smart.staticMs)} ms`);
    }
    const ingest = await page.evaluate((total) => (globalThis as any).inboxBench.timeIngest(total, 10_000), TOTAL);

    const header = ['first page (50 rows)', 'indexed ms (median)', 'naive ms (median)', 'ratio', 'rows', 'naive rows'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(' | ')} |`;
    console.log(`\nInbox with ${stored} messages in Dexie, Chromium headless, median of ${RUNS} (naive: median of 3)\n`);
    console.log(line(header));
    console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
    for (const row of rows) console.log(line(row));
    console.log(`\n"Smart" first page (50 rows of a 200-row candidate window, scored), beside the static "priority" first page of the same case, median of ${RUNS}\n`);
    console.log('| case | smart ms | static ms | ratio | rows |');
    console.log('|---|---|---|---|---|');
    for (const row of smartRows) console.log(row);
    console.log(`\n${unreadLine}`);
    console.log(`Ingest 10,000 synced messages (applyEvents, pages of 500): ${fmt(ingest.applyEvents)} ms`);
    console.log(`  reference: bare bulkPut of the same rows, pages of 500: ${fmt(ingest.bareBulkPut)} ms (ratio ${(ingest.applyEvents / ingest.bareBulkPut).toFixed(1)}×)`);
    console.log('rows "50+" = page full and more to come; fewer with "+" = scan budget reached, the UI continues on demand.');
  });
}

await main();
