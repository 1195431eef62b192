/**
 * What SQLite costs per appended topic event, apart from everything else the server does: the
 * fan-out's three range statements (bump the seqs, append the events, queue the push jobs) for
 * `--subscribers` subscribers, `--per-commit` broadcasts per transaction, in row shapes from
 * today's to the cheapest. Prints µs per delivery (statements, commit) and the total as a ratio
 * to today's shape in the same run (bench/README.md, the flash sale's third pass).
 *
 *   node --import tsx bench/event-append-probe.ts [--subscribers 1000] [--broadcasts 320] [--per-commit 4] [--data-root DIR]
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { integerOption } from './options.js';

const { values } = parseArgs({
  options: {
    subscribers: { type: 'string' },
    broadcasts: { type: 'string' },
    'per-commit': { type: 'string' },
    'data-root': { type: 'string' },
  },
});
const config = {
  subscribers: integerOption('subscribers', values.subscribers, 1_000, 1),
  broadcasts: integerOption('broadcasts', values.broadcasts, 320, 1),
  perCommit: integerOption('per-commit', values['per-commit'], 4, 1),
};

interface Shape {
  name: string;
  /** The events table and its indexes. */
  schema: string;
  /** A broadcast's key and its time, as the shape stores them. */
  key: (n: number) => string | number;
  time: () => string | number;
  /** SQLite's automatic checkpoint, in pages (0: never, which no server could ship). */
  autocheckpoint: number;
}

const TODAY = `CREATE TABLE events (user_id TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL,
  message_id TEXT REFERENCES messages(id), created_at TEXT NOT NULL, payload_json TEXT, PRIMARY KEY (user_id, seq)) WITHOUT ROWID;
  CREATE INDEX events_by_message ON events (message_id, user_id);`;
const SHAPES: Shape[] = [
  { name: "today's row, SQLite's checkpoint (1,000 pages)", schema: TODAY, key: () => crypto.randomUUID(), time: () => new Date().toISOString(), autocheckpoint: 1_000 },
  { name: "today's row, no checkpoint", schema: TODAY, key: () => crypto.randomUUID(), time: () => new Date().toISOString(), autocheckpoint: 0 },
  {
    name: 'integer message key and time, no second index, no checkpoint',
    schema: `CREATE TABLE events (user_id TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL,
      message_id INTEGER, created_at INTEGER NOT NULL, payload_json TEXT, PRIMARY KEY (user_id, seq)) WITHOUT ROWID;`,
    key: (n) => n,
    time: () => Date.now(),
    autocheckpoint: 0,
  },
];

function probe(shape: Shape, dir: string): { statementsUs: number; commitUs: number } {
  const db = new Database(path.join(dir, `${crypto.randomUUID()}.sqlite`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma(`wal_autocheckpoint = ${shape.autocheckpoint}`);
  db.exec(`
    CREATE TABLE messages (id TEXT PRIMARY KEY);
    CREATE TABLE topic_subscriptions (topic TEXT NOT NULL, user_id TEXT NOT NULL, subscribed_at INTEGER NOT NULL,
      PRIMARY KEY (topic, user_id)) WITHOUT ROWID;
    CREATE TABLE shoppers (user_id TEXT PRIMARY KEY, last_seq INTEGER NOT NULL) WITHOUT ROWID;
    CREATE TABLE push_subscriptions (endpoint TEXT PRIMARY KEY, user_id TEXT NOT NULL) WITHOUT ROWID;
    CREATE INDEX push_subscriptions_by_user ON push_subscriptions (user_id);
    CREATE TABLE push_jobs (id INTEGER PRIMARY KEY, message_id TEXT NOT NULL, user_id TEXT NOT NULL, endpoint TEXT NOT NULL, due_at INTEGER NOT NULL);
    ${shape.schema}`);
  const users = Array.from({ length: config.subscribers }, (_, i) => `shopper-${String(i).padStart(7, '0')}`);
  const subscribe = db.prepare("INSERT INTO topic_subscriptions VALUES ('sale', ?, 0)");
  db.transaction(() => users.forEach((user) => subscribe.run(user)))();
  // The server's statements (server/store/sqlite/sqlite-lifecycle-statements.ts), over the whole topic.
  const range = ['sale', '', users[users.length - 1]!, 1] as const;
  const bump = db.prepare(`INSERT INTO shoppers (user_id, last_seq)
    SELECT user_id, 1 FROM topic_subscriptions WHERE topic = ? AND user_id > ? AND user_id <= ? AND subscribed_at <= ? AND true
    ON CONFLICT (user_id) DO UPDATE SET last_seq = last_seq + 1`);
  const append = db.prepare(`INSERT INTO events (user_id, seq, kind, message_id, created_at, payload_json)
    SELECT ts.user_id, s.last_seq, 'message', ?, ?, NULL FROM topic_subscriptions ts JOIN shoppers s ON s.user_id = ts.user_id
    WHERE ts.topic = ? AND ts.user_id > ? AND ts.user_id <= ? AND ts.subscribed_at <= ? RETURNING user_id, seq`);
  const queuePushJobs = db.prepare(`INSERT INTO push_jobs (message_id, user_id, endpoint, due_at)
    SELECT ?, ps.user_id, ps.endpoint, ? FROM topic_subscriptions ts JOIN push_subscriptions ps ON ps.user_id = ts.user_id
    WHERE ts.topic = ? AND ts.user_id > ? AND ts.user_id <= ? AND ts.subscribed_at <= ?`);
  const addMessage = db.prepare('INSERT INTO messages (id) VALUES (?)');
  const begin = db.prepare('BEGIN');
  const commit = db.prepare('COMMIT');
  let statementsNs = 0n;
  let commitNs = 0n;
  for (let n = 0; n < config.broadcasts; n += config.perCommit) {
    const started = process.hrtime.bigint();
    begin.run();
    for (let k = n; k < Math.min(n + config.perCommit, config.broadcasts); k++) {
      const key = shape.key(k);
      if (typeof key === 'string') addMessage.run(key);
      bump.run(...range);
      append.all(key, shape.time(), ...range);
      queuePushJobs.run(String(key), Date.now(), ...range);
    }
    const stated = process.hrtime.bigint();
    commit.run();
    statementsNs += stated - started;
    commitNs += process.hrtime.bigint() - stated;
  }
  db.close();
  const deliveries = config.broadcasts * config.subscribers;
  return { statementsUs: Number(statementsNs) / 1_000 / deliveries, commitUs: Number(commitNs) / 1_000 / deliveries };
}

const dir = fs.mkdtempSync(path.join(values['data-root'] ?? os.tmpdir(), 'tidings-append-probe-'));
try {
  const results = SHAPES.map((shape) => ({ shape, ...probe(shape, dir) }));
  const baseline = results[0]!.statementsUs + results[0]!.commitUs;
  const lines = [
    `Appending topic events: ${config.subscribers} subscribers, ${config.broadcasts} broadcasts, ${config.perCommit} per commit (synchronous=FULL)`,
    '',
    '| row shape | statements µs / delivery | commit µs / delivery | total ÷ first row |',
    '| --- | ---: | ---: | ---: |',
    ...results.map((r) => `| ${r.shape.name} | ${r.statementsUs.toFixed(2)} | ${r.commitUs.toFixed(2)} | ` +
      `${((r.statementsUs + r.commitUs) / baseline).toFixed(2)}× |`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
