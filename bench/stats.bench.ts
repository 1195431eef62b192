/**
 * Delivery dashboard benchmark (issue 11): GET /api/v1/stats/deliveries's
 * work for 92 days of one merchant with --messages (100 000) messages — a
 * third of them read by one to three shoppers — beside as many of another
 * merchant's, on SQLite and (when reachable) PostgreSQL.
 *
 * Baseline, in the same run on the same rows: a plain
 * `SELECT count(*) FROM messages WHERE merchant_id = ? AND sent_at in range`,
 * the least any answer about those rows must cost. The figure reported is the
 * median of --repeat runs of each, and stats ÷ baseline.
 *
 *   npx tsx bench/stats.bench.ts [--messages 100000] [--repeat 7]
 */
import { parseArgs } from 'node:util';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { deliveryStats } from '../server/stats/delivery-stats.js';
import { localDayWindows } from '../server/stats/local-days.js';
import { createTestSchema } from '../server/test-support/postgres-schema.js';
import { postgresAvailable, TEST_DATABASE_URL } from '../server/test-support/services.js';
import { tempDir, removeTempDir } from '../server/test-support/temp-dirs.js';
import { SQLITE_FILE_NAME, SqliteStore } from '../server/store/sqlite/sqlite-store.js';
import type { Store } from '../server/store/store.js';

const { values } = parseArgs({ options: { messages: { type: 'string', default: '100000' }, repeat: { type: 'string', default: '7' } } });
const MESSAGES = Number(values.messages);
const REPEAT = Number(values.repeat);
const QUERY = { from: '2026-01-01', to: '2026-04-02', tz: 'Asia/Shanghai' };
const CATEGORIES = ['order', 'shipping', 'payment', 'promotion', 'account', 'review', 'chat'];
const windows = localDayWindows(QUERY.from, QUERY.to, QUERY.tz);
const rangeStart = windows[0]!.start;
const rangeEnd = windows.at(-1)!.end;
const spanMs = Date.parse(rangeEnd) - Date.parse(rangeStart);

interface Row {
  id: string;
  merchant: string;
  sentAt: string;
  category: string;
  readers: number;
}

/** Deterministic rows: the same data on both stores. */
function rows(): Row[] {
  const out: Row[] = [];
  for (const merchant of ['shop', 'rival']) {
    for (let i = 0; i < MESSAGES; i++) {
      out.push({
        id: `${merchant}-${i}`,
        merchant,
        sentAt: new Date(Date.parse(rangeStart) + Math.floor((i / MESSAGES) * spanMs)).toISOString(),
        category: CATEGORIES[i % CATEGORIES.length]!,
        readers: i % 3 === 0 ? 1 + ((i / 3) % 3) : 0, // a third read, by 1–3 shoppers
      });
    }
  }
  return out;
}

const readAt = (row: Row, reader: number) => new Date(Date.parse(row.sentAt) + (reader + 1) * 45_000).toISOString();
const messageJson = (row: Row) => JSON.stringify({ id: row.id, type: 'system', category: row.category, priority: 3, title: row.id, createdAt: row.sentAt });

function fillSqlite(dir: string, data: Row[]): void {
  SqliteStore.open(dir).close();
  const db = new Database(path.join(dir, SQLITE_FILE_NAME));
  db.exec("INSERT INTO merchants (id, name, key_hash, created_at) VALUES ('shop', 'Shop', 'h1', '2026-01-01'), ('rival', 'Rival', 'h2', '2026-01-01')");
  const message = db.prepare(
    `INSERT INTO messages (id, merchant_id, message_json, recipients, created_at, status, category, sent_at, delivered_live, pushed, push_failed)
     VALUES (?, ?, ?, 3, ?, 'sent', ?, ?, 2, 1, ?)`,
  );
  const state = db.prepare('INSERT INTO message_states (user_id, message_id, read, read_at) VALUES (?, ?, 1, ?)');
  db.transaction(() => {
    for (const row of data) {
      message.run(row.id, row.merchant, messageJson(row), row.sentAt, row.category, row.sentAt, row.readers === 0 ? 1 : 0);
      for (let r = 0; r < row.readers; r++) state.run(`reader-${r}`, row.id, readAt(row, r));
    }
  })();
  db.exec('ANALYZE');
  db.close();
}

async function fillPostgres(pool: pg.Pool, data: Row[]): Promise<void> {
  await pool.query("INSERT INTO merchants (id, name, key_hash, created_at) VALUES ('shop', 'Shop', 'h1', '2026-01-01'), ('rival', 'Rival', 'h2', '2026-01-01')");
  for (let start = 0; start < data.length; start += 10_000) {
    const batch = data.slice(start, start + 10_000);
    await pool.query(
      `INSERT INTO messages (id, merchant_id, message_json, recipients, created_at, status, category, sent_at, delivered_live, pushed, push_failed)
       SELECT id, merchant, json, 3, sent_at, 'sent', category, sent_at, 2, 1, failed
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[]) AS r(id, merchant, json, sent_at, category, failed)`,
      [batch.map((r) => r.id), batch.map((r) => r.merchant), batch.map(messageJson), batch.map((r) => r.sentAt), batch.map((r) => r.category), batch.map((r) => (r.readers === 0 ? 1 : 0))],
    );
    const reads = batch.flatMap((row) => Array.from({ length: row.readers }, (_, r) => [`reader-${r}`, row.id, readAt(row, r)]));
    await pool.query(
      'INSERT INTO message_states (user_id, message_id, read, read_at) SELECT u, m, true, a FROM unnest($1::text[], $2::text[], $3::text[]) AS s(u, m, a)',
      [reads.map((r) => r[0]), reads.map((r) => r[1]), reads.map((r) => r[2])],
    );
  }
  // As autovacuum leaves a table at rest: statistics, and a visibility map for index-only scans.
  await pool.query('VACUUM ANALYZE messages');
  await pool.query('VACUUM ANALYZE message_states');
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  await run(); // warm-up: statement preparation and caches
  const samples: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

async function measure(name: string, store: Store, baseline: () => Promise<number>): Promise<void> {
  const answer = await deliveryStats(store.stats, 'shop', QUERY);
  const counted = await baseline();
  if (answer.total.sent !== counted) throw new Error(`${name}: stats counted ${answer.total.sent}, the baseline ${counted}`);
  const base = await timed(baseline);
  const stats = await timed(() => deliveryStats(store.stats, 'shop', QUERY));
  console.log(
    `| ${name} | ${counted} | ${answer.days.length} | ${answer.total.read} | ${base.toFixed(1)} | ${stats.toFixed(1)} | ${(stats / base).toFixed(1)}× |`,
  );
}

const data = rows();
console.error(`${data.length} messages (${MESSAGES} of the measured merchant), ${data.reduce((n, r) => n + r.readers, 0)} reads`);
console.log(`\n92 days in ${QUERY.tz}, median of ${REPEAT} runs (ms)\n`);
console.log('| store | messages in range | days | reads | baseline count(*) ms | stats ms | stats ÷ baseline |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');

const dir = tempDir();
try {
  fillSqlite(dir, data);
  const store = SqliteStore.open(dir);
  const db = new Database(path.join(dir, SQLITE_FILE_NAME), { readonly: true });
  const count = db.prepare<[string, string, string], { n: number }>('SELECT count(*) AS n FROM messages WHERE merchant_id = ? AND sent_at >= ? AND sent_at < ?');
  await measure('SQLite', store, async () => count.get('shop', rangeStart, rangeEnd)!.n);
  db.close();
  await store.close();
} finally {
  removeTempDir(dir);
}

if ((await postgresAvailable()).ok) {
  const schema = await createTestSchema();
  const store = await schema.open();
  const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${schema.name}`, max: 2 });
  try {
    await fillPostgres(pool, data);
    const count = async () =>
      (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM messages WHERE merchant_id = $1 AND sent_at >= $2 AND sent_at < $3', ['shop', rangeStart, rangeEnd])).rows[0]!.n;
    await measure('PostgreSQL', store, count);
  } finally {
    await pool.end();
    await store.close();
    await schema.drop();
  }
} else {
  console.error('PostgreSQL not reachable: measured SQLite only');
}
