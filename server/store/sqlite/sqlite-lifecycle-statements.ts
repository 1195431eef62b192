import type Database from 'better-sqlite3';
import { PENDING_SCHEDULES, SENT_SUMMARY_COLUMNS, type MessageRow, type ScheduleRow, type SentSummaryRow, type StatusRow } from '../store-rows.js';
import type { MessageStatus } from '../message-lifecycle.js';

const READ_COUNT = '(SELECT COUNT(*) FROM message_states ms WHERE ms.message_id = m.id AND ms.read = 1)';

/**
 * Takes the title search twice (NULL for none). instr, not LIKE: the text is taken literally
 * (no `%` or `_` to escape); lower_unicode, not lower: SQLite's lower folds ASCII only, and
 * PostgreSQL's folds every letter. json_valid as in the expiry trigger: a row the JSON
 * functions cannot read is left out of a search rather than failing it.
 */
type Needle = string | null;
const TITLE_MATCHES = `(? IS NULL OR instr(lower_unicode(CASE WHEN json_valid(m.message_json) THEN json_extract(m.message_json, '$.title') END), lower_unicode(?)) > 0)`;

/** Every statement of the SQLite message lifecycle, prepared once per connection. */
export function prepareLifecycleStatements(db: Database.Database) {
db.function('lower_unicode', { deterministic: true }, (text: unknown) => (typeof text === 'string' ? text.toLowerCase() : null));
const p = <P extends unknown[], R = unknown>(sql: string) => db.prepare<P, R>(sql);
return {
    getKey: p<[string, string], { body_hash: string; response_json: string }>(
      'SELECT body_hash, response_json FROM idempotency_keys WHERE merchant_id = ? AND key = ?',
    ),
    putKey: p<[string, string, string, string, number]>(
      'INSERT INTO idempotency_keys (merchant_id, key, body_hash, response_json, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    purgeKeys: p<[number]>('DELETE FROM idempotency_keys WHERE created_at < ?'),
    // The last two: category and sent_at (NULL until it goes out; see migration 9).
    insertMessage: p<[string, string, string, number, string, string, string | null, string | null, string, string | null]>(
      `INSERT INTO messages (id, merchant_id, message_json, recipients, created_at, status, target_json, reply_to, category, sent_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    getMessage: p<[string], MessageRow>('SELECT id, merchant_id, message_json, status, target_json FROM messages WHERE id = ?'),
    setStatus: p<[string, string]>('UPDATE messages SET status = ? WHERE id = ?'),
    markSent: p<[string, string, string]>('UPDATE messages SET status = ?, sent_at = ? WHERE id = ?'),
    setJson: p<[string, string]>('UPDATE messages SET message_json = ? WHERE id = ?'),
    addRecipients: p<[number, string]>('UPDATE messages SET recipients = recipients + ? WHERE id = ?'),
    addPushTargets: p<[number, string]>('UPDATE messages SET push_targets = push_targets + ? WHERE id = ?'),
    addSkipped: p<[number, string]>('UPDATE messages SET push_skipped = push_skipped + ? WHERE id = ?'),
    addLive: p<[number, string]>('UPDATE messages SET delivered_live = delivered_live + ? WHERE id = ?'),
    bumpSeq: p<[string], { last_seq: number }>(
      `INSERT INTO shoppers (user_id, last_seq) VALUES (?, 1)
       ON CONFLICT (user_id) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq`,
    ),
    // message_id on every kind (recipients are found by it); payload_json carries the body of non-message kinds.
    insertEvent: p<[string, number, string, string, string, string | null]>(
      'INSERT INTO events (user_id, seq, kind, message_id, created_at, payload_json) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    queuePushJobs: p<[string, number, string]>(
      `INSERT INTO push_jobs (message_id, user_id, endpoint, due_at)
       SELECT ?, user_id, endpoint, ? FROM push_subscriptions WHERE user_id = ?`,
    ),
    // A held push summary's retry stays: the push worker sends it with the corrected message, or not at all once retracted.
    dropPushJobs: p<[string]>('DELETE FROM push_jobs WHERE message_id = ? AND summary_json IS NULL'),
    // A recurrence's template: it has (or, as a local-time one, had) a cron, or sent an occurrence (cancelled since).
    isRecurring: p<[{ id: string }], { recurring: number }>(
      `SELECT EXISTS (SELECT 1 FROM schedules WHERE message_id = @id AND cron IS NOT NULL)
         OR EXISTS (SELECT 1 FROM local_time_zones WHERE message_id = @id AND cron IS NOT NULL)
         OR EXISTS (SELECT 1 FROM messages WHERE id = @id || '.1') AS recurring`,
    ),
    recipientsOf: p<[string], { user_id: string }>(
      `SELECT DISTINCT user_id FROM events WHERE message_id = ? AND kind = 'message' ORDER BY user_id`,
    ),
    isRecipient: p<[string, string], { one: number }>(
      `SELECT 1 AS one FROM events WHERE message_id = ? AND user_id = ? AND kind = 'message' LIMIT 1`,
    ),
    insertSchedule: p<[string, number, string | null, string | null]>(
      'INSERT INTO schedules (message_id, due_at, cron, tz) VALUES (?, ?, ?, ?)',
    ),
    dueSchedules: p<[number, number], ScheduleRow>('SELECT * FROM schedules WHERE due_at <= ? ORDER BY due_at LIMIT ?'),
    getSchedule: p<[string], ScheduleRow>('SELECT * FROM schedules WHERE message_id = ?'),
    nextDue: p<[], { due_at: number }>('SELECT due_at FROM schedules ORDER BY due_at LIMIT 1'),
    advanceSchedule: p<[number, string]>('UPDATE schedules SET due_at = ?, occurrences = occurrences + 1 WHERE message_id = ?'),
    deleteSchedule: p<[string]>('DELETE FROM schedules WHERE message_id = ?'),
    listScheduled: p<[string, string, Needle, Needle, number], MessageRow & ScheduleRow>(
      `SELECT m.id, m.message_json, m.target_json, s.due_at, s.cron, s.tz, s.occurrences
       FROM messages m JOIN ${PENDING_SCHEDULES} ON s.message_id = m.id
       WHERE m.merchant_id = ? AND m.status = 'scheduled' AND m.id > ? AND ${TITLE_MATCHES} ORDER BY m.id LIMIT ?`,
    ),
    // Two statements rather than one with an optional status, so each uses its own index
    // (the title search is a filter on the rows the index walk yields, not a choice of index).
    listSent: p<[string, string, Needle, Needle, number], SentSummaryRow>(
      `SELECT ${SENT_SUMMARY_COLUMNS}, ${READ_COUNT} AS read FROM messages m
       WHERE m.merchant_id = ? AND m.status <> 'reply' AND m.id > ? AND ${TITLE_MATCHES} ORDER BY m.id LIMIT ?`,
    ),
    listSentInStatus: p<[string, string, string, Needle, Needle, number], SentSummaryRow>(
      `SELECT ${SENT_SUMMARY_COLUMNS}, ${READ_COUNT} AS read FROM messages m
       WHERE m.merchant_id = ? AND m.status = ? AND m.id > ? AND ${TITLE_MATCHES} ORDER BY m.id LIMIT ?`,
    ),
    listSentNewest: p<[string, string, string, Needle, Needle, number], SentSummaryRow>(
      `SELECT ${SENT_SUMMARY_COLUMNS}, ${READ_COUNT} AS read FROM messages m INDEXED BY messages_newest
       WHERE m.merchant_id = ? AND m.status <> 'reply' AND (m.created_at, m.id) < (?, ?) AND ${TITLE_MATCHES}
       ORDER BY m.created_at DESC, m.id DESC LIMIT ?`,
    ),
    listSentNewestInStatus: p<[string, string, string, string, Needle, Needle, number], SentSummaryRow>(
      `SELECT ${SENT_SUMMARY_COLUMNS}, ${READ_COUNT} AS read FROM messages m INDEXED BY messages_newest_by_status
       WHERE m.merchant_id = ? AND m.status = ? AND (m.created_at, m.id) < (?, ?) AND ${TITLE_MATCHES}
       ORDER BY m.created_at DESC, m.id DESC LIMIT ?`,
    ),
    subscribe: p<[string, string, number]>(
      'INSERT INTO topic_subscriptions (topic, user_id, subscribed_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    unsubscribe: p<[string, string]>('DELETE FROM topic_subscriptions WHERE topic = ? AND user_id = ?'),
    topicsOf: p<[string], { topic: string }>('SELECT topic FROM topic_subscriptions WHERE user_id = ? ORDER BY topic'),
    insertFanOut: p<[string, string, number, number]>(
      'INSERT INTO fanout_jobs (message_id, topic, cutoff, created_at) VALUES (?, ?, ?, ?)',
    ),
    oldestFanOut: p<[], { message_id: string; topic: string; cutoff: number; after_user_id: string }>(
      'SELECT message_id, topic, cutoff, after_user_id FROM fanout_jobs ORDER BY created_at, message_id LIMIT 1',
    ),
    subscribersAfter: p<[string, string, number, number], { user_id: string }>(
      `SELECT user_id FROM topic_subscriptions WHERE topic = ? AND user_id > ? AND subscribed_at <= ?
       ORDER BY user_id LIMIT ?`,
    ),
    // One batch of a broadcast as three set statements over the subscriber range (after, last], in place
    // of three statements per subscriber: the bump, the append and the push jobs each walk the range once.
    // `WHERE true`: SQLite's upsert needs a WHERE after a SELECT's FROM to parse ON CONFLICT.
    bumpSeqsInRange: p<[string, string, string, number]>(
      `INSERT INTO shoppers (user_id, last_seq)
       SELECT user_id, 1 FROM topic_subscriptions WHERE topic = ? AND user_id > ? AND user_id <= ? AND subscribed_at <= ? AND true
       ON CONFLICT (user_id) DO UPDATE SET last_seq = last_seq + 1`,
    ),
    appendInRange: p<[string, string, string, string, string, number], { user_id: string; seq: number }>(
      `INSERT INTO events (user_id, seq, kind, message_id, created_at, payload_json)
       SELECT ts.user_id, s.last_seq, 'message', ?, ?, NULL
       FROM topic_subscriptions ts JOIN shoppers s ON s.user_id = ts.user_id
       WHERE ts.topic = ? AND ts.user_id > ? AND ts.user_id <= ? AND ts.subscribed_at <= ?
       RETURNING user_id, seq`,
    ),
    queuePushJobsInRange: p<[string, number, string, string, string, number]>(
      `INSERT INTO push_jobs (message_id, user_id, endpoint, due_at)
       SELECT ?, ps.user_id, ps.endpoint, ?
       FROM topic_subscriptions ts JOIN push_subscriptions ps ON ps.user_id = ts.user_id
       WHERE ts.topic = ? AND ts.user_id > ? AND ts.user_id <= ? AND ts.subscribed_at <= ?`,
    ),
    moveFanOut: p<[string, string]>('UPDATE fanout_jobs SET after_user_id = ? WHERE message_id = ?'),
    deleteFanOut: p<[string]>('DELETE FROM fanout_jobs WHERE message_id = ?'),
    countFanOuts: p<[], { n: number }>('SELECT COUNT(*) AS n FROM fanout_jobs'),
    listReplies: p<[string, string, number], { message_json: string }>(
      `SELECT message_json FROM messages WHERE reply_to = ? AND status = 'reply' AND id > ? ORDER BY id LIMIT ?`,
    ),
    countRead: p<[string], { n: number }>('SELECT COUNT(*) AS n FROM message_states WHERE message_id = ? AND read = 1'),
    statusOnly: p<[string], { status: MessageStatus }>('SELECT status FROM messages WHERE id = ?'),
    status: p<[string], MessageRow & StatusRow>(
      'SELECT id, merchant_id, message_json, status, target_json, delivered_live FROM messages WHERE id = ?',
    ),
  };
}
