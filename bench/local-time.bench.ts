/**
 * Local-time broadcast benchmark (issue 15): a topic of N shoppers spread over
 * Z time zones, sent once with `deliverAtLocal` and once with a plain
 * `deliverAt`, on the same SQLite store in the same run.
 *
 *   npm run bench:local-time                       # N = 100,000 over 30 zones, 3 runs
 *   npm run bench:local-time -- --recipients 20000 --runs 1
 *
 * Figures (medians over the runs; ratios are local-time ÷ plain):
 * - accept ms: the store's accept transaction, the part of POST /api/v1/messages
 *   that differs (the local-time plan writes one row per recipient; a plain
 *   broadcast writes one schedule row and fans out later).
 * - delivery ms: real time to deliver every recipient (local time: every zone's
 *   batches; plain: the topic fan-out), 1,000 recipients a step as the scheduler does.
 * - lateness p50/p99/max: on a simulated clock, each recipient's delivery
 *   instant minus their local target. The simulated scheduler wakes at each
 *   zone's due time (as the real one sleeps until nextDueAt) and the clock moves
 *   on by the real time each step took, so zones due together queue up as they would.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { instantOfLocal, parseLocalDateTime } from '../shared/local-time.js';
import { SQLITE_FILE_NAME, SqliteStore } from '../server/store/sqlite/sqlite-store.js';
import { percentile } from './report.js';

const { values } = parseArgs({
  options: {
    recipients: { type: 'string', default: '100000' },
    zones: { type: 'string', default: '30' },
    runs: { type: 'string', default: '3' },
  },
});
const N = Number(values.recipients);
const RUNS = Number(values.runs);
/** 30 zones from UTC-10 to UTC+13:45, several sharing an offset (so they fall due together), half with DST. */
const ALL_ZONES = [
  'Pacific/Honolulu', 'America/Anchorage', 'America/Los_Angeles', 'America/Denver', 'America/Chicago', 'America/New_York',
  'America/Sao_Paulo', 'Atlantic/Azores', 'UTC', 'Europe/London', 'Europe/Berlin', 'Europe/Paris', 'Africa/Cairo',
  'Europe/Moscow', 'Asia/Dubai', 'Asia/Karachi', 'Asia/Kolkata', 'Asia/Kathmandu', 'Asia/Dhaka', 'Asia/Bangkok',
  'Asia/Shanghai', 'Asia/Singapore', 'Asia/Tokyo', 'Asia/Seoul', 'Australia/Adelaide', 'Australia/Sydney',
  'Australia/Lord_Howe', 'Pacific/Noumea', 'Pacific/Auckland', 'Pacific/Chatham',
];
const ZONES = ALL_ZONES.slice(0, Number(values.zones));
const LOCAL = '2026-06-15T09:00';
const ACCEPTED_AT = Date.parse('2026-06-14T00:00:00Z');
const STEP = 1000;
const zoneOf = (i: number) => ZONES[i % ZONES.length]!;
const userId = (i: number) => `shopper-${String(i).padStart(6, '0')}`;

const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const started = performance.now();
  const value = await work();
  return [value, performance.now() - started];
};

/** A fresh store with N subscribers of "everyone", each with a time zone preference. */
function seededStore(): { store: SqliteStore; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-local-time-bench-'));
  const store = SqliteStore.open(dir);
  const db = new Database(path.join(dir, SQLITE_FILE_NAME));
  const subscribe = db.prepare('INSERT INTO topic_subscriptions (topic, user_id, subscribed_at) VALUES (?, ?, ?)');
  const prefer = db.prepare('INSERT INTO shopper_preferences (user_id, preferences_json, changed_at) VALUES (?, ?, ?)');
  db.transaction(() => {
    db.prepare(`INSERT INTO merchants (id, name, key_hash, created_at) VALUES ('m1', 'Bench', 'hash', '2026-01-01T00:00:00Z')`).run();
    for (let i = 0; i < N; i++) {
      subscribe.run('everyone', userId(i), ACCEPTED_AT - 1);
      prefer.run(userId(i), JSON.stringify({ timeZone: zoneOf(i) }), '2026-01-01T00:00:00.000Z');
    }
  })();
  db.close();
  return { store, dir };
}

const message = (id: string) => ({
  id,
  type: 'scheduled' as const,
  category: 'promotion',
  priority: 3,
  title: 'Happy birthday',
  createdAt: new Date(ACCEPTED_AT).toISOString(),
});

async function oneRun() {
  const { store, dir } = seededStore();
  try {
    const target = { topic: 'everyone' };
    const firstDue = Math.min(...ZONES.map((z) => instantOfLocal(parseLocalDateTime(LOCAL)!, z)));
    const [, plainAccept] = await timed(() =>
      store.lifecycle.accept({ message: message('plain'), merchantId: 'm1', target, schedule: { dueAt: firstDue }, now: ACCEPTED_AT }),
    );
    const [, localAccept] = await timed(() =>
      store.lifecycle.accept({ message: message('local'), merchantId: 'm1', target, localTime: { local: LOCAL, fallbackTz: 'UTC' }, now: ACCEPTED_AT }),
    );

    // Plain: the schedule falls due, then the topic fan-out in steps of the same size.
    const [, plainDelivery] = await timed(async () => {
      await store.lifecycle.deliverDue(firstDue, 100, () => undefined);
      while ((await store.lifecycle.fanOutBatch(firstDue, STEP)).more);
    });

    // Local time on a simulated clock: wake at the next due zone, move on by each step's real time.
    const targets = new Map(ZONES.map((z) => [z, instantOfLocal(parseLocalDateTime(LOCAL)!, z)]));
    const lateness: number[] = [];
    let clock = ACCEPTED_AT;
    const [, localDelivery] = await timed(async () => {
      for (;;) {
        const next = await store.lifecycle.localTime.nextDueAt();
        if (next === undefined) break;
        clock = Math.max(clock, next);
        for (;;) {
          const [result, ms] = await timed(() => store.lifecycle.localTime.deliverDue(clock, STEP));
          clock += ms;
          for (const { userId: user } of result.events) {
            lateness.push(clock - targets.get(zoneOf(Number(user.slice('shopper-'.length))))!);
          }
          if (result.delivered < STEP) break;
        }
      }
    });
    if (lateness.length !== N) throw new Error(`delivered ${lateness.length} of ${N}`);
    return { plainAccept, localAccept, plainDelivery, localDelivery, lateness };
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => percentile(xs, 50);
const runs = [];
for (let run = 1; run <= RUNS; run++) {
  process.stderr.write(`run ${run}/${RUNS}: ${N} recipients over ${ZONES.length} zones\n`);
  runs.push(await oneRun());
}
const row = (label: string, local: number, plain: number) =>
  `| ${label} | ${local.toFixed(1)} | ${plain.toFixed(1)} | ${(local / plain).toFixed(2)} |`;
const all = runs.flatMap((r) => r.lateness);
process.stdout.write(
  [
    `local-time broadcast: ${N} recipients, ${ZONES.length} zones, ${RUNS} runs (medians), load ${os.loadavg()[0]!.toFixed(2)}`,
    '| figure | deliverAtLocal | deliverAt | ratio |',
    '| --- | --- | --- | --- |',
    row('accept ms', median(runs.map((r) => r.localAccept)), median(runs.map((r) => r.plainAccept))),
    row('delivery ms (all recipients)', median(runs.map((r) => r.localDelivery)), median(runs.map((r) => r.plainDelivery))),
    `lateness against each recipient's local target (simulated clock, all runs): p50 ${percentile(all, 50).toFixed(1)} ms, ` +
      `p99 ${percentile(all, 99).toFixed(1)} ms, max ${percentile(all, 100).toFixed(1)} ms`,
    '',
  ].join('\n'),
);
