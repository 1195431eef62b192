/**
 * Lighthouse on the signed-in inbox at phone size (issue 11's bar: performance
 * ≥ 90, accessibility 100, best practices 100), against the real server in its
 * own process serving the built PWA:
 *
 *   npx vite build && npm run lighthouse
 *   npm run lighthouse -- --runs 3           # median of three runs
 *   npm run lighthouse -- --dist /tmp/old    # another build, to compare
 *
 * Lighthouse's default mobile profile: a Moto G-class screen and simulated slow
 * 4G with a 4× slower CPU, so the figures do not depend on this machine's speed
 * as much as a wall-clock timing would; they still move with its load (other
 * work on the same cores), so read them with the load average printed. Not part
 * of the test suite.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { chromium } from 'playwright-core';
import { SHOWCASE_MESSAGES } from '../test/e2e/support/showcase-messages.js';
import { CHROMIUM_PATH, CLIENT_DIST } from '../test/e2e/support/browser.js';
import { startServerProcess } from '../server/test-support/server-process.js';
import { tempDir, removeTempDir } from '../server/test-support/temp-dirs.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1' },
    dist: { type: 'string', default: CLIENT_DIST },
  },
});
const RUNS = Math.max(1, Number(values.runs) || 1);
const KEY = 'tdk_lighthouse-bench-key-0123456789abcdef';
const SHOPPER = 'shopper-ana';
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;
const METRICS = {
  'largest-contentful-paint': 'LCP',
  'cumulative-layout-shift': 'CLS',
  'total-blocking-time': 'TBT',
  'first-contentful-paint': 'FCP',
} as const;

interface Run {
  scores: Record<string, number>;
  metrics: Record<string, string>;
  scriptBytes: { transferred: number; decoded: number };
  unusedScriptBytes: number;
  misses: string[];
}

async function merchant(url: string, route: string, body: unknown): Promise<any> {
  const res = await fetch(`${url}/api/v1${route}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${route} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/** Signs the shopper in through the browser's own profile (IndexedDB), so Lighthouse loads the signed-in inbox. */
async function signIn(port: number, url: string, token: string): Promise<void> {
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
  const page = await browser.contexts()[0]!.newPage();
  await page.goto(`${url}/#token=${token}`);
  await page.getByRole('status', { name: 'Live' }).waitFor();
  await page.locator('article').first().waitFor();
  await page.close();
  await browser.close();
}

/**
 * Forgets the service worker, its precache and the HTTP cache, and keeps
 * IndexedDB (the session), before every run: Lighthouse then loads the app over
 * the network (compressed or not) as a signed-in shopper's first visit of a new
 * version would, and no run is served by what the one before installed. From a
 * page of the origin that is not the app, which would register its worker again.
 */
async function forgetServiceWorkerAndCache(port: number, url: string): Promise<void> {
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
  const page = await browser.contexts()[0]!.newPage();
  await page.goto(`${url}/robots.txt`);
  await page.evaluate(async () => {
    for (const registration of await navigator.serviceWorker.getRegistrations()) await registration.unregister();
    for (const name of await caches.keys()) await caches.delete(name);
  });
  await (await page.context().newCDPSession(page)).send('Network.clearBrowserCache');
  await page.close();
  await browser.close();
}

async function measure(url: string, port: number): Promise<Run> {
  const result = await lighthouse(url, {
    port,
    output: 'json',
    logLevel: 'error',
    onlyCategories: [...CATEGORIES],
    // Keep the session in IndexedDB: the page under test is the signed-in inbox.
    disableStorageReset: true,
  });
  if (!result) throw new Error('Lighthouse returned nothing');
  const { lhr } = result;
  const scores = Object.fromEntries(CATEGORIES.map((name) => [name, Math.round((lhr.categories[name]?.score ?? 0) * 100)]));
  const metrics = Object.fromEntries(Object.entries(METRICS).map(([id, label]) => [label, lhr.audits[id]?.displayValue ?? '?']));
  const requests = (lhr.audits['network-requests']?.details as { items?: { resourceType?: string; transferSize?: number; resourceSize?: number }[] })?.items ?? [];
  const scripts = requests.filter((request) => request.resourceType === 'Script');
  const scriptBytes = {
    transferred: scripts.reduce((sum, request) => sum + (request.transferSize ?? 0), 0),
    decoded: scripts.reduce((sum, request) => sum + (request.resourceSize ?? 0), 0),
  };
  const unusedScriptBytes = (lhr.audits['unused-javascript']?.details as { overallSavingsBytes?: number })?.overallSavingsBytes ?? 0;
  // What kept a category below 100: each audit that counts and did not pass.
  const misses = CATEGORIES.flatMap((name) =>
    (lhr.categories[name]?.auditRefs ?? [])
      .filter((ref) => ref.weight > 0)
      .map((ref) => lhr.audits[ref.id]!)
      .filter((audit) => audit.score !== null && audit.score < 1)
      .map((audit) => `${name}: ${audit.id} (${Math.round((audit.score ?? 0) * 100)})${audit.displayValue ? ` ${audit.displayValue}` : ''}${detailsOf(audit)}`),
  );
  return { scores, metrics, scriptBytes, unusedScriptBytes, misses };
}

/** The first few rows of an audit's table, e.g. which console error or which issue. */
function detailsOf(audit: { details?: unknown }): string {
  const items = (audit.details as { items?: Record<string, unknown>[] } | undefined)?.items ?? [];
  return items
    .slice(0, 5)
    .map((item) => `\n      ${JSON.stringify(item).slice(0, 300)}`)
    .join('');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

if (!fs.existsSync(path.join(values.dist, 'index.html'))) throw new Error(`No built PWA in ${values.dist}: run "npx vite build" first`);
const dataDir = tempDir();
const load = () => os.loadavg().map((n) => n.toFixed(2)).join(' ');
console.log(`Lighthouse, mobile profile, signed-in inbox; ${values.dist}; load average before: ${load()}`);
// A demo server, as a visitor of the README would run it (without DEMO the app's GET /api/v1/demo is a 404 in the console).
const server = await startServerProcess({ DATA_DIR: dataDir, BOOTSTRAP_MERCHANT_KEY: KEY, STATIC_DIR: path.resolve(values.dist), DEMO: '1' });
const chrome = await chromeLauncher.launch({
  chromePath: CHROMIUM_PATH,
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const { token } = (await merchant(server.url, '/shopper-tokens', { userId: SHOPPER })) as { token: string };
  for (const message of SHOWCASE_MESSAGES) await merchant(server.url, '/messages', { to: { userIds: [SHOPPER] }, ...message });
  await signIn(chrome.port, server.url, token);
  const runs: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    await forgetServiceWorkerAndCache(chrome.port, server.url);
    const run = await measure(`${server.url}/`, chrome.port);
    runs.push(run);
    console.error(`run ${i + 1}/${RUNS}: ${JSON.stringify(run.scores)} ${JSON.stringify(run.metrics)}`);
  }
  const middle = runs.find((run) => run.scores['performance'] === median(runs.map((r) => r.scores['performance']!)))!;
  console.log(`\n${RUNS === 1 ? 'one run' : `the run with the median performance score of ${RUNS}`}:`);
  for (const name of CATEGORIES) console.log(`  ${name.padEnd(15)} ${middle.scores[name]}`);
  for (const [label, value] of Object.entries(middle.metrics)) console.log(`  ${label.padEnd(15)} ${value}`);
  console.log(`  ${'JS on load'.padEnd(15)} ${kib(middle.scriptBytes.transferred)} transferred, ${kib(middle.scriptBytes.decoded)} decoded`);
  console.log(`  ${'unused JS'.padEnd(15)} ${kib(middle.unusedScriptBytes)}`);
  if (middle.misses.length > 0) console.log(`\nbelow 100:\n  ${middle.misses.join('\n  ')}`);
  console.log(`\nload average after: ${load()}`);
} finally {
  chrome.kill();
  server.child.kill('SIGTERM');
  await server.exited;
  removeTempDir(dataDir);
}
