/**
 * Topic storage benchmark (issue 13): the two storage shapes for a broadcast to
 * a topic with 1,000,000 subscribers, on SQLite and PostgreSQL.
 *
 *   npm run bench:topic-storage                                   # 1,000,000 subscribers, both stores, 3 rounds
 *   npm run bench:topic-storage -- --subscribers 100000 --store sqlite
 *   npm run bench:topic-storage -- --push-every 0                  # nobody has a push subscription
 *   npm run bench:topic-storage -- --profile                       # CPU profile of this process
 *
 * Today's shape (one event per subscriber) is measured through the real code:
 * the whole app in-process on a fresh SQLite file or PostgreSQL schema, a real
 * `POST /api/v1/messages`, then the real FanOutWorker. The topic-log shape is a
 * SQL-level prototype (bench/topic-log-prototype.ts). The 1M subscribers are
 * inserted with bulk SQL (set-up, not measured). See bench/README.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';
import { SqliteStore } from '../server/store/sqlite/sqlite-store.js';
import type { Store } from '../server/store/store.js';
import { createTestSchema } from '../server/test-support/postgres-schema.js';
import { TEST_DATABASE_URL } from '../server/test-support/services.js';
import { startTestServer, TEST_MERCHANT_KEY, type TestServer } from '../server/test-support/test-server.js';
import { log, percentile } from './report.js';
import { guardBenchmark, runBenchmark } from './targets.js';
import { acceptToTopicLog, appendManyToTopicLog, createTopicLog, queueTopicPushes, readTopicLogAfter, seedResume, type ResumeSetup } from './topic-log-prototype.js';
import { grown, openPostgresRaw, openSqliteRaw, seedTopic, type Dialect, type RawDb } from './topic-storage-db.js';
import { benchOptions, integerOption } from './options.js';

const USAGE = 'npm run bench:topic-storage -- [--subscribers N] [--store sqlite|postgres|both] [--rounds R] ' +
  '[--push-every K] [--batch N] [--topics T] [--per-topic B] [--data-root DIR] [--profile]';
const values = benchOptions(USAGE, {
  subscribers: { type: 'string' },
  store: { type: 'string', default: 'both' },
  rounds: { type: 'string' },
  'push-every': { type: 'string' },
  batch: { type: 'string' },
  topics: { type: 'string' },
  'per-topic': { type: 'string' },
  'data-root': { type: 'string' },
  profile: { type: 'boolean', default: false },
});

const stores: Dialect[] = values.store === 'both' ? ['sqlite', 'postgres'] : [values.store as Dialect];
if (!stores.every((s) => s === 'sqlite' || s === 'postgres')) {
  process.stderr.write(`--store must be sqlite, postgres or both, got ${JSON.stringify(values.store)}\nusage: ${USAGE}\n`);
  process.exit(2);
}
const config = {
  subscribers: integerOption('subscribers', values.subscribers, 1_000_000, 1),
  rounds: integerOption('rounds', values.rounds, 3, 1),
  /** Every K-th subscriber has one push subscription (0: none). */
  pushEvery: integerOption('push-every', values['push-every'], 10, 0),
  /** Subscribers appended per fan-out transaction; absent: the product's default. */
  batch: values.batch === undefined ? undefined : integerOption('batch', values.batch, 0, 1),
  topics: integerOption('topics', values.topics, 20, 1),
  perTopic: integerOption('per-topic', values['per-topic'], 50, 2),
  resumeReps: 30,
  probeEveryMs: 100,
};
const TOPIC = 'flash-sale';
const PAGE = 100;
/** Broadcasts appended at once to read the topic log's bytes per broadcast off (one row is less than a page). */
const TOPIC_LOG_SAMPLE = 10_000;

guardBenchmark(60 * 60_000);

const median = (xs: number[]) => percentile(xs, 50);
const sum = (xs: { bytes: number }[]) => xs.reduce((a, x) => a + x.bytes, 0);

/** One shape's figures on one store; NaN where a figure does not apply. */
interface Figures {
  acceptMs: number[];
  commitMs: number[];
  probeMs: number[];
  everyLogMs: number[];
  /** This process's CPU time (user + system) from the send until every log holds it: contention-proof, unlike wall time. */
  fanOutCpuMs: number[];
  pushQueuedMs: number[];
  logRows: number;
  pushRows: number;
  logBytes: number;
  pushBytes: number;
  grownBy: string;
  resumeAllMs: number[];
  resumeFirstPageMs: number[];
}

const empty = (): Figures => ({
  acceptMs: [], commitMs: [], probeMs: [], everyLogMs: [], fanOutCpuMs: [], pushQueuedMs: [], logRows: NaN, pushRows: NaN, logBytes: NaN, pushBytes: NaN,
  grownBy: '', resumeAllMs: [], resumeFirstPageMs: [],
});

interface Opened {
  store: Store;
  raw: RawDb;
  dataDir: string;
  dispose(): Promise<void>;
}

async function open(dialect: Dialect): Promise<Opened> {
  const dataDir = fs.mkdtempSync(path.join(values['data-root'] ?? os.tmpdir(), 'tidings-topic-storage-'));
  const removeDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
  if (dialect === 'sqlite') {
    const store = SqliteStore.open(dataDir);
    const raw = openSqliteRaw(dataDir);
    return { store, raw, dataDir, dispose: async () => { await raw.close(); removeDir(); } };
  }
  const schema = await createTestSchema();
  const store = await schema.open(8);
  const raw = openPostgresRaw(TEST_DATABASE_URL, schema.name);
  return { store, raw, dataDir, dispose: async () => { await raw.close(); await schema.drop(); removeDir(); } };
}

interface SendRequest {
  n: number;
  url: string;
  key: string;
  body: unknown;
}

interface SendAnswer {
  n: number;
  status: number;
  ms: number;
  text: string;
}

/**
 * The HTTP client, on its own thread: the app under test runs on this thread, and a fan-out batch
 * blocks its event loop, so a client here would count that block against a 202 the server had
 * already written. The time is taken there, from the request to the response's headers. Plain
 * JavaScript, as an eval'd worker does not get tsx's loader.
 */
const SENDER_THREAD = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (request) => {
  const started = performance.now();
  fetch(request.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer ' + request.key },
    body: JSON.stringify(request.body),
  }).then(async (res) => {
    const ms = performance.now() - started;
    parentPort.postMessage({ n: request.n, status: res.status, ms, text: await res.text() });
  }, (err) => parentPort.postMessage({ n: request.n, status: 0, ms: NaN, text: String(err) }));
});`;

/** POST /api/v1/messages from the sender thread; the time is the one it measured. */
class ThreadSender {
  private readonly worker = new Worker(SENDER_THREAD, { eval: true });
  private readonly waiting = new Map<number, (answer: SendAnswer) => void>();
  private next = 0;

  constructor(private readonly url: string) {
    this.worker.on('message', (answer: SendAnswer) => {
      this.waiting.get(answer.n)?.(answer);
      this.waiting.delete(answer.n);
    });
  }

  send(body: unknown): Promise<SendAnswer> {
    const request: SendRequest = { n: this.next++, url: `${this.url}/api/v1/messages`, key: TEST_MERCHANT_KEY, body };
    return new Promise((resolve) => {
      this.waiting.set(request.n, resolve);
      this.worker.postMessage(request);
    });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

const broadcast = (round: number) => ({ to: { topic: TOPIC }, category: 'promotion', title: `Flash sale, round ${round}`, body: '30% off' });

/** Direct messages to one shopper every `probeEveryMs` until stopped: the 202 other senders see while a fan-out runs. */
function probe(sender: ThreadSender, into: number[]): () => Promise<void> {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const res = await sender.send({ to: { userIds: ['probe'] }, category: 'order', title: 'Order shipped' });
      if (res.status !== 202) throw new Error(`probe answered ${res.status}: ${res.text}`);
      into.push(res.ms);
      await sleep(config.probeEveryMs);
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}

async function statusOf(raw: RawDb, id: string): Promise<string> {
  return (await raw.all<{ status: string }>('SELECT status FROM messages WHERE id = ?', [id]))[0]!.status;
}

async function countOf(raw: RawDb, table: 'events' | 'push_jobs', id: string): Promise<number> {
  return Number((await raw.all<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE message_id = ?`, [id]))[0]!.n);
}

const PUSH_RELATIONS = /^push_jobs/;

/** Today's shape through the app: the 202, the fan-out until the message is `sent`, what it wrote. */
async function measureToday(sender: ThreadSender, raw: RawDb, f: Figures): Promise<string> {
  let firstId = '';
  for (let round = 0; round < config.rounds; round++) {
    const before = await raw.relationBytes();
    const probes: number[] = [];
    const started = performance.now();
    const cpu = process.cpuUsage();
    const res = await sender.send(broadcast(round));
    f.acceptMs.push(res.ms);
    if (res.status !== 202) throw new Error(`broadcast answered ${res.status}: ${res.text}`);
    const { id } = JSON.parse(res.text) as { id: string };
    firstId ||= id;
    const stopProbes = probe(sender, probes);
    while ((await statusOf(raw, id)) !== 'sent') await sleep(20);
    f.everyLogMs.push(performance.now() - started);
    const used = process.cpuUsage(cpu);
    f.fanOutCpuMs.push((used.user + used.system) / 1000);
    await stopProbes();
    f.probeMs.push(...probes);
    const growth = grown(before, await raw.relationBytes());
    f.logRows = await countOf(raw, 'events', id);
    f.pushRows = await countOf(raw, 'push_jobs', id);
    if (f.logRows !== config.subscribers) throw new Error(`round ${round}: ${f.logRows} events for ${config.subscribers} subscribers`);
    f.logBytes = sum(growth.filter((g) => !PUSH_RELATIONS.test(g.name)));
    f.pushBytes = sum(growth.filter((g) => PUSH_RELATIONS.test(g.name)));
    f.grownBy = growth.slice(0, 4).map((g) => `${g.name} ${mib(g.bytes)}`).join(', ');
    log(`  today round ${round + 1}: 202 after ${f.acceptMs.at(-1)!.toFixed(1)} ms, every log after ${f.everyLogMs.at(-1)!.toFixed(0)} ms (CPU ${f.fanOutCpuMs.at(-1)!.toFixed(0)} ms), ` +
      `probe 202 p50 ${median(probes).toFixed(0)} ms (${probes.length}); grew ${f.grownBy}`);
  }
  // The accept transaction alone at the SQL level, as the topic-log figure is taken: the message row and a fan-out job.
  for (let round = 0; round < config.rounds; round++) {
    const id = `accept-only-${round}`;
    const started = performance.now();
    await raw.transaction([
      [`INSERT INTO messages (id, merchant_id, message_json, recipients, created_at, status, target_json, category, sent_at)
        SELECT ?, merchant_id, message_json, 0, created_at, 'cancelled', target_json, category, sent_at FROM messages WHERE id = ?`, [id, firstId]],
      ['INSERT INTO fanout_jobs (message_id, topic, cutoff, created_at) VALUES (?, ?, ?, ?)', [id, TOPIC, Date.now(), Date.now()]],
    ]);
    f.commitMs.push(performance.now() - started);
  }
  return firstId;
}

/** The topic-log prototype: one row per broadcast, then (as any shape must) the push jobs. */
async function measureTopicLog(raw: RawDb, templateId: string, f: Figures): Promise<void> {
  for (let round = 0; round < config.rounds; round++) {
    const id = `topic-log-${round}`;
    const before = await raw.relationBytes();
    const started = performance.now();
    await acceptToTopicLog(raw, TOPIC, templateId, id, Date.now());
    f.commitMs.push(performance.now() - started);
    f.everyLogMs.push(performance.now() - started);
    const logged = await raw.relationBytes();
    const pushStarted = performance.now();
    await queueTopicPushes(raw, TOPIC, id, Date.now());
    f.pushQueuedMs.push(performance.now() - pushStarted);
    const growth = grown(before, logged);
    f.logRows = 1;
    f.pushRows = await countOf(raw, 'push_jobs', id);
    f.pushBytes = sum(grown(logged, await raw.relationBytes()));
  }
  const before = await raw.relationBytes();
  await appendManyToTopicLog(raw, TOPIC, TOPIC_LOG_SAMPLE, Date.now());
  const growth = grown(before, await raw.relationBytes());
  f.logBytes = sum(growth) / TOPIC_LOG_SAMPLE;
  f.grownBy = `${growth.map((g) => `${g.name} ${g.bytes} B`).join(', ')} for ${TOPIC_LOG_SAMPLE} broadcasts`;
}

/** Reads everything a shopper in `topics` topics missed, in pages of PAGE, in both shapes. */
async function measureResume(store: Store, raw: RawDb, setup: ResumeSetup, today: Figures, topicLog: Figures): Promise<void> {
  for (let rep = 0; rep < config.resumeReps; rep++) {
    let started = performance.now();
    let cursor = setup.todayCursor;
    let read = 0;
    for (;;) {
      const page = await store.readEvents(setup.todayUser, cursor, PAGE);
      if (read === 0) today.resumeFirstPageMs.push(performance.now() - started);
      if (page.length === 0) break;
      read += page.length;
      cursor = page.at(-1)!.seq;
    }
    today.resumeAllMs.push(performance.now() - started);
    if (read !== setup.behind) throw new Error(`today's shape resumed ${read} events, expected ${setup.behind}`);

    started = performance.now();
    let composite = setup.topicLogCursor;
    read = 0;
    for (;;) {
      const page = await readTopicLogAfter(raw, setup.topicLogUser, composite, PAGE);
      if (read === 0) topicLog.resumeFirstPageMs.push(performance.now() - started);
      if (page.count === 0) break;
      read += page.count;
      composite = page.next;
    }
    topicLog.resumeAllMs.push(performance.now() - started);
    if (read !== setup.behind) throw new Error(`topic-log shape resumed ${read} events, expected ${setup.behind}`);
  }
}

async function measureStore(dialect: Dialect): Promise<{ today: Figures; topicLog: Figures; setupMs: number }> {
  const today = empty();
  const topicLog = empty();
  const { store, raw, dataDir, dispose } = await open(dialect);
  let server: TestServer | undefined;
  try {
    const seedStarted = performance.now();
    await seedTopic(raw, TOPIC, config.subscribers, config.pushEvery);
    const setupMs = performance.now() - seedStarted;
    log(`${dialect}: ${config.subscribers} subscribers seeded in ${(setupMs / 1000).toFixed(1)} s (bulk SQL)`);
    server = await startTestServer({ store, dataDir, ...(config.batch ? { lifecycle: { fanOutBatchSize: config.batch } } : {}) });
    // Pushes stay queued: their rows are measured here, their sending by push-fanout.bench.ts.
    await server.app.pushWorker.stop();
    await createTopicLog(raw);
    const sender = new ThreadSender(server.url);
    // Warm-up: a direct message, so the first broadcast does not pay for first-use compilation alone.
    await sender.send({ to: { userIds: ['probe'] }, category: 'order', title: 'Warm-up' });
    const templateId = await measureToday(sender, raw, today).finally(() => sender.close());
    await measureTopicLog(raw, templateId, topicLog);
    const setup = await seedResume(raw, templateId, config.topics, config.perTopic);
    await measureResume(store, raw, setup, today, topicLog);
    return { today, topicLog, setupMs };
  } finally {
    // The server closes the store it was given; without a server the store is closed here.
    if (server) await server.close();
    else await store.close();
    await dispose();
  }
}

const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;
const ms = (xs: number[]) => (xs.length === 0 ? '—' : `${median(xs).toFixed(1)}`);
const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(3)}×` : '—');

function table(dialect: Dialect, m: { today: Figures; topicLog: Figures }): string {
  const { today: t, topicLog: l } = m;
  const rows: [string, string, string, string][] = [
    ['202 answered, HTTP (ms, p50)', ms(t.acceptMs), '—', ''],
    ['accept transaction, SQL only (ms, p50)', ms(t.commitMs), ms(l.commitMs), ratio(median(l.commitMs), median(t.commitMs))],
    [`a direct message's 202 during the fan-out (ms, p50 / p99)`, t.probeMs.length ? `${ms(t.probeMs)} / ${percentile(t.probeMs, 99).toFixed(1)}` : '—', '—', ''],
    ['in every subscriber\'s log after (ms, p50)', ms(t.everyLogMs), ms(l.everyLogMs), ratio(median(l.everyLogMs), median(t.everyLogMs))],
    [`  this process's CPU meanwhile (ms, p50${dialect === 'postgres' ? '; the database server\'s not counted' : ''})`,
      ms(t.fanOutCpuMs), '—', ''],
    ['push jobs queued after (ms, p50)', 'in the fan-out', ms(l.pushQueuedMs), ''],
    ['log rows written per broadcast', `${t.logRows} events + ${t.logRows} shopper seqs`, `1 topic_events + 1 head`, ''],
    ['push job rows per broadcast', `${t.pushRows}`, `${l.pushRows}`, ''],
    ['log bytes per broadcast (tables + indexes)', mib(t.logBytes), `${l.logBytes.toFixed(0)} B`, ratio(l.logBytes, t.logBytes)],
    ['push job bytes per broadcast', mib(t.pushBytes), mib(l.pushBytes), ratio(l.pushBytes, t.pushBytes)],
    [`resume, ${config.topics} topics: first page of ${PAGE} (ms, p50)`, ms(t.resumeFirstPageMs), ms(l.resumeFirstPageMs),
      ratio(median(l.resumeFirstPageMs), median(t.resumeFirstPageMs))],
    [`resume, ${config.topics} topics: all ${Math.ceil((config.perTopic * (config.topics + 1)) / 2)} missed (ms, p50)`, ms(t.resumeAllMs),
      ms(l.resumeAllMs), ratio(median(l.resumeAllMs), median(t.resumeAllMs))],
  ];
  return [
    `### ${dialect}`,
    '',
    '| figure | one event per subscriber (today) | topic log (prototype) | topic log / today |',
    '| --- | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    `Grew most (today, last round): ${t.grownBy}. Topic log: ${l.grownBy}.`,
  ].join('\n');
}

async function main(): Promise<void> {
  if (values.profile) {
    process.env.BENCH_CPU_PROF_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-topic-storage-prof-'));
    await import('./cpu-profiler.js');
    log(`CPU profile into ${process.env.BENCH_CPU_PROF_DIR} at exit`);
  }
  const load = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  const out = [
    `Topic storage: ${config.subscribers} subscribers, every ${config.pushEvery || '—'}th with a push subscription, ${config.rounds} rounds, ` +
      `fan-out batch ${config.batch ?? 'default'}; ` +
      `resume: ${config.topics} topics × ${config.perTopic} broadcasts + ${config.perTopic} direct, cursor half-way, ${config.resumeReps} reps`,
    `load average (1/5/15 min) before: ${load}; ${os.cpus().length} cores`,
    '',
  ];
  for (const dialect of stores) {
    const measured = await measureStore(dialect);
    out.push(table(dialect, measured), '');
  }
  out.push(`load average after: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

runBenchmark(main);
