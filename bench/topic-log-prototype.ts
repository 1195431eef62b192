/**
 * The other storage shape for topic broadcasts, prototyped at the SQL level for
 * bench/topic-storage.bench.ts (not product code): one row per broadcast in a
 * per-topic log (`topic_events`, numbered by `tseq` per topic, the shape of
 * ntfy's and Centrifugo's channel histories), merged at read time with the
 * shopper's own log after a composite cursor { own seq, tseq per topic }.
 */
import { messageSchema } from '../shared/message.schema.js';
import type { RawDb } from './topic-storage-db.js';

export async function createTopicLog(db: RawDb): Promise<void> {
  const rowid = db.dialect === 'sqlite' ? ' WITHOUT ROWID' : '';
  await db.run(`CREATE TABLE topic_heads (topic TEXT PRIMARY KEY, last_tseq BIGINT NOT NULL)${rowid}`);
  await db.run(
    `CREATE TABLE topic_events (topic TEXT NOT NULL, tseq BIGINT NOT NULL, message_id TEXT NOT NULL,
       created_at TEXT NOT NULL, sent_ms BIGINT NOT NULL, PRIMARY KEY (topic, tseq))${rowid}`,
  );
}

const BUMP_HEAD = `INSERT INTO topic_heads (topic, last_tseq) VALUES (?, 1)
  ON CONFLICT (topic) DO UPDATE SET last_tseq = topic_heads.last_tseq + 1`;
const APPEND = `INSERT INTO topic_events (topic, tseq, message_id, created_at, sent_ms)
  SELECT ?, last_tseq, ?, ?, ? FROM topic_heads WHERE topic = ?`;
/** A copy of an accepted message's row under a new id: the message row every shape writes once. */
const COPY_MESSAGE = `INSERT INTO messages (id, merchant_id, message_json, recipients, created_at, status, target_json, category, sent_at)
  SELECT ?, merchant_id, replace(message_json, ?, ?), 0, created_at, 'sent', target_json, category, sent_at FROM messages WHERE id = ?`;

/**
 * What accepting a broadcast would write in this shape, in one durable transaction: the message and
 * one topic_events row. After the commit every subscriber's merged log holds it.
 */
export async function acceptToTopicLog(db: RawDb, topic: string, templateId: string, id: string, now: number): Promise<void> {
  await db.transaction([
    [COPY_MESSAGE, [id, templateId, id, templateId]],
    [BUMP_HEAD, [topic]],
    [APPEND, [topic, id, new Date(now).toISOString(), now, topic]],
  ]);
}

/**
 * `count` more broadcasts in one transaction, without their message rows: one row is smaller than a
 * page, so the bytes a broadcast adds to the log are read off many of them.
 */
export async function appendManyToTopicLog(db: RawDb, topic: string, count: number, now: number): Promise<void> {
  const statements: [string, unknown[]][] = [];
  for (let i = 0; i < count; i++) {
    const id = crypto.randomUUID();
    statements.push([BUMP_HEAD, [topic]], [APPEND, [topic, id, new Date(now).toISOString(), now, topic]]);
  }
  await db.transaction(statements);
}

/** Web Push still needs one job per push subscription of a subscriber, whatever the log's shape: one statement here. */
export async function queueTopicPushes(db: RawDb, topic: string, id: string, now: number): Promise<void> {
  await db.run(
    `INSERT INTO push_jobs (message_id, user_id, endpoint, due_at)
     SELECT ?, ps.user_id, ps.endpoint, ? FROM topic_subscriptions ts JOIN push_subscriptions ps ON ps.user_id = ts.user_id
     WHERE ts.topic = ? AND ts.subscribed_at <= ?`,
    [id, now, topic, now],
  );
}

export interface CompositeCursor {
  own: number;
  topics: Record<string, number>;
}

interface MergedRow {
  created_at: string;
  topic: string;
  pos: number;
  message_json: string;
}

/**
 * One page of a shopper's merged log after `cursor`, oldest first, and the cursor after it. Each
 * source (own log, each topic) is read in its own order with its own LIMIT, so a page costs at most
 * `limit` rows per source; taking a prefix of each keeps every source gap-free under the composite cursor.
 * Broadcasts sent before the shopper joined the topic are left out (sent_ms ≥ subscribed_at), as the
 * fan-out's cutoff does today.
 */
export async function readTopicLogAfter(
  db: RawDb,
  userId: string,
  cursor: CompositeCursor,
  limit: number,
): Promise<{ count: number; next: CompositeCursor }> {
  const subscriptions = await db.all<{ topic: string; subscribed_at: number }>(
    'SELECT topic, subscribed_at FROM topic_subscriptions WHERE user_id = ?',
    [userId],
  );
  const sources = [`SELECT * FROM (SELECT created_at, '' AS topic, seq AS pos, message_id FROM events
    WHERE user_id = ? AND seq > ? ORDER BY seq LIMIT ?) AS own`];
  const params: unknown[] = [userId, cursor.own, limit];
  subscriptions.forEach((s, i) => {
    sources.push(`SELECT * FROM (SELECT created_at, topic, tseq AS pos, message_id FROM topic_events
      WHERE topic = ? AND tseq > ? AND sent_ms >= ? ORDER BY tseq LIMIT ?) AS t${i}`);
    params.push(s.topic, cursor.topics[s.topic] ?? 0, s.subscribed_at, limit);
  });
  const rows = await db.all<MergedRow>(
    `SELECT x.created_at, x.topic, x.pos, m.message_json FROM (${sources.join(' UNION ALL ')}) AS x
     JOIN messages m ON m.id = x.message_id ORDER BY x.created_at, x.topic, x.pos LIMIT ?`,
    [...params, limit],
  );
  const next: CompositeCursor = { own: cursor.own, topics: { ...cursor.topics } };
  for (const row of rows) {
    messageSchema.parse(JSON.parse(row.message_json));
    if (row.topic === '') next.own = Math.max(next.own, Number(row.pos));
    else next.topics[row.topic] = Math.max(next.topics[row.topic] ?? 0, Number(row.pos));
  }
  return { count: rows.length, next };
}

export interface ResumeSetup {
  /** Today's shape: everything in this shopper's log. */
  todayUser: string;
  /** The topic-log shape: a twin with the same subscriptions and only its direct messages in its own log. */
  topicLogUser: string;
  /** Events after the cursor, the same in both shapes. */
  behind: number;
  /** Today's shape: the shopper's seq at the cursor. */
  todayCursor: number;
  topicLogCursor: CompositeCursor;
}

/**
 * A shopper in `topics` topics, each with `perTopic` broadcasts, and one direct message after every
 * `topics` broadcasts, written in both shapes at once (today: all in the shopper's log; topic log: the
 * broadcasts in topic_events, the direct ones in the shopper's log). The cursor is half-way through.
 */
export async function seedResume(db: RawDb, templateId: string, topics: number, perTopic: number): Promise<ResumeSetup> {
  const userId = 'resumer';
  const twin = `${userId}-tl`;
  const statements: [string, unknown[]][] = [];
  const topicName = (t: number) => `r-topic-${String(t).padStart(2, '0')}`;
  for (let t = 0; t < topics; t++) {
    for (const user of [userId, twin]) {
      statements.push(['INSERT INTO topic_subscriptions (topic, user_id, subscribed_at) VALUES (?, ?, 0)', [topicName(t), user]]);
    }
  }
  const total = perTopic * (topics + 1);
  const half = Math.floor(total / 2);
  const base = Date.now() - 86_400_000;
  const tseq = new Map<string, number>();
  let own = 0;
  const setup: ResumeSetup = { todayUser: userId, topicLogUser: twin, behind: total - half, todayCursor: half, topicLogCursor: { own: 0, topics: {} } };
  for (let k = 0; k < total; k++) {
    const id = `resume-${String(k).padStart(5, '0')}`;
    const at = base + k * 1000;
    const createdAt = new Date(at).toISOString();
    statements.push([COPY_MESSAGE, [id, templateId, id, templateId]]);
    // Today's shape: everything in the shopper's own log, under its own seq 1..total.
    statements.push([`INSERT INTO events (user_id, seq, kind, message_id, created_at) VALUES (?, ?, 'message', ?, ?)`, [userId, k + 1, id, createdAt]]);
    const slot = k % (topics + 1);
    if (slot === topics) {
      own++;
      statements.push([`INSERT INTO events (user_id, seq, kind, message_id, created_at) VALUES (?, ?, 'message', ?, ?)`,
        [twin, own, id, createdAt]]);
    } else {
      const topic = topicName(slot);
      tseq.set(topic, (tseq.get(topic) ?? 0) + 1);
      statements.push(['INSERT INTO topic_events (topic, tseq, message_id, created_at, sent_ms) VALUES (?, ?, ?, ?, ?)',
        [topic, tseq.get(topic), id, createdAt, at]]);
    }
    if (k === half - 1) setup.topicLogCursor = { own, topics: Object.fromEntries(tseq) };
  }
  await db.transaction(statements);
  return setup;
}
