import type { Pool, PoolClient } from 'pg';
import { repliedFact } from '../../webhooks/event-facts.js';
import { recordEvent } from './postgres-event-outbox.js';
import { messageSchema, type Message, type Recipients, type SendMessageResponse } from '../../../shared/message.schema.js';
import {
  NEWEST_FIRST_PAGE,
  occurrenceOf,
  reachOf,
  unsentOutcome,
  type AcceptInput,
  type AcceptResult,
  type DueResult,
  type FanOutJob,
  type FanOutResult,
  type LifecycleOutcome,
  type MessageLifecycleStore,
  type MessageStatus,
  type MessageStatusRecord,
  type NewestCursor,
  type NextOccurrence,
  type Reach,
  type ScheduledSummary,
  type SentSummary,
} from '../message-lifecycle.js';
import type { AppendedEvent } from '../store.js';
import {
  readStoredMessage,
  PENDING_SCHEDULES,
  SENT_SUMMARY_COLUMNS,
  toScheduledSummary,
  toSentSummary,
  toStatusRecord,
  type MessageRow,
  type ScheduleRow,
  type SentSummaryRow,
  type StatusRow,
} from '../store-rows.js';
import { appendEvents } from './postgres-event-log.js';
import { PostgresHeldPushes } from './postgres-held-pushes.js';
import { PostgresLocalTime } from './postgres-local-time.js';
import { withTransaction } from './transaction.js';

const MESSAGE_COLUMNS = 'id, merchant_id, message_json, status, target_json';
/**
 * `$4` is the title search or NULL for none. strpos, not ILIKE: the text is taken literally (no
 * `%` or `_` to escape). Every stored message_json is JSON the server wrote, and validate() keeps
 * NUL (which PostgreSQL's JSON cannot turn into text) out of every message, so the cast cannot fail.
 */
const TITLE_MATCHES = "($4::text IS NULL OR strpos(lower(m.message_json::json ->> 'title'), lower($4::text)) > 0)";

async function getMessage(client: PoolClient | Pool, id: string, lock = false): Promise<MessageRow | undefined> {
  const { rows } = await client.query<MessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0];
}

async function insertMessage(
  client: PoolClient,
  message: Message,
  merchantId: string,
  recipients: number,
  status: MessageStatus,
  targetJson: string | null,
  replyTo: string | null,
  /** When it went out (ISO 8601 UTC); null while scheduled, and for replies. */
  sentAt: string | null,
): Promise<void> {
  await client.query(
    `INSERT INTO messages (id, merchant_id, message_json, recipients, created_at, status, target_json, reply_to, category, sent_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [message.id, merchantId, JSON.stringify(message), recipients, message.createdAt, status, targetJson, replyTo, message.category, sentAt],
  );
}

/**
 * PostgreSQL side of the message lifecycle, one to one with SqliteLifecycle.
 * Every public method is one transaction. Work that several instances poll
 * for (due schedules, fan-out jobs) is claimed with FOR UPDATE SKIP LOCKED,
 * so each piece is done by exactly one instance and the others move on.
 */
export class PostgresLifecycle implements MessageLifecycleStore {
  readonly localTime: PostgresLocalTime;
  readonly heldPushes: PostgresHeldPushes;

  constructor(private readonly pool: Pool) {
    this.localTime = new PostgresLocalTime(pool, (client, message, userIds, now) => this.append(client, message, userIds, now, true));
    this.heldPushes = new PostgresHeldPushes(pool);
  }

  // ---- accepting -------------------------------------------------------------------------------

  accept(input: AcceptInput): Promise<AcceptResult> {
    return withTransaction(this.pool, async (client): Promise<AcceptResult> => {
      const { message, merchantId, target, schedule, localTime, digest, idempotency, now } = input;
      if (idempotency) {
        // Claim the key first: a concurrent retry on another instance blocks on this row until we
        // commit, then sees our answer; if we roll back, it proceeds as the first.
        const claimed = await client.query(
          `INSERT INTO idempotency_keys (merchant_id, key, body_hash, response_json, created_at)
           VALUES ($1, $2, $3, '', $4) ON CONFLICT DO NOTHING`,
          [merchantId, idempotency.key, idempotency.bodyHash, now],
        );
        if (claimed.rowCount === 0) {
          const { rows } = await client.query<{ body_hash: string; response_json: string }>(
            'SELECT body_hash, response_json FROM idempotency_keys WHERE merchant_id = $1 AND key = $2',
            [merchantId, idempotency.key],
          );
          const seen = rows[0]!;
          if (seen.body_hash !== idempotency.bodyHash) return { kind: 'key-reused' };
          return { kind: 'replayed', response: JSON.parse(seen.response_json) as SendMessageResponse };
        }
      }
      const later = schedule !== undefined || localTime !== undefined;
      const status: MessageStatus = later ? 'scheduled' : target.topic ? 'sending' : 'sent';
      await insertMessage(client, message, merchantId, 0, status, JSON.stringify(target), null, later ? null : new Date(now).toISOString());
      if (digest) await this.heldPushes.recordDigest(client, message.id, digest);
      let events: AppendedEvent[] = [];
      if (schedule) {
        await client.query('INSERT INTO schedules (message_id, due_at, cron, tz) VALUES ($1, $2, $3, $4)', [
          message.id,
          schedule.dueAt,
          schedule.cron ?? null,
          schedule.tz ?? null,
        ]);
      } else if (localTime) {
        await this.localTime.plan(client, message.id, target, localTime, now);
      } else {
        events = await this.deliver(client, message, target, now);
      }
      const response: SendMessageResponse = { id: message.id, status: later ? 'scheduled' : 'queued', recipients: events.length };
      if (idempotency) {
        await client.query('UPDATE idempotency_keys SET response_json = $3 WHERE merchant_id = $1 AND key = $2', [
          merchantId,
          idempotency.key,
          JSON.stringify(response),
        ]);
      }
      return { kind: 'accepted', response, events };
    });
  }

  async purgeIdempotencyKeys(before: number): Promise<number> {
    return (await this.pool.query('DELETE FROM idempotency_keys WHERE created_at < $1', [before])).rowCount ?? 0;
  }

  /** Inside the caller's transaction: direct recipients get their events now; a topic gets a fan-out job. */
  private async deliver(client: PoolClient, message: Message, target: Recipients, now: number): Promise<AppendedEvent[]> {
    if (target.topic !== undefined) {
      await client.query('INSERT INTO fanout_jobs (message_id, topic, cutoff, created_at) VALUES ($1, $2, $3, $3)', [
        message.id,
        target.topic,
        now,
      ]);
      return [];
    }
    const events = await this.append(client, message, [...new Set(target.userIds)], now, true);
    await client.query('UPDATE messages SET recipients = recipients + $1 WHERE id = $2', [events.length, message.id]);
    return events;
  }

  /** Appends one event per shopper (gap-free seqs, see appendEvents) and optionally queues pushes. */
  private async append(client: PoolClient, subject: Message | string, userIds: readonly string[], now: number, push: boolean): Promise<AppendedEvent[]> {
    if (userIds.length === 0) return [];
    // A message id alone is a retraction, which needs no text (a damaged one is retracted too).
    const messageId = typeof subject === 'string' ? subject : subject.id;
    const seqs = await appendEvents(client, userIds, {
      kind: typeof subject === 'string' ? 'retracted' : 'message',
      messageId,
      payloadJson: typeof subject === 'string' ? JSON.stringify({ messageId }) : null,
      createdAt: new Date(now).toISOString(),
    });
    if (push) {
      const queued = await client.query(
        `INSERT INTO push_jobs (message_id, user_id, endpoint, due_at)
         SELECT $1, user_id, endpoint, $2 FROM push_subscriptions WHERE user_id = ANY($3::text[])`,
        [messageId, now, userIds],
      );
      if ((queued.rowCount ?? 0) > 0) {
        await client.query('UPDATE messages SET push_targets = push_targets + $1 WHERE id = $2', [queued.rowCount, messageId]);
      }
    }
    return userIds.map((userId, i): AppendedEvent => ({
      userId,
      event: typeof subject === 'string' ? { seq: seqs[i]!, kind: 'retracted', messageId } : { seq: seqs[i]!, kind: 'message', message: subject },
    }));
  }

  private async setStatus(client: PoolClient, id: string, status: MessageStatus): Promise<void> {
    await client.query('UPDATE messages SET status = $1 WHERE id = $2', [status, id]);
  }

  // ---- scheduling ------------------------------------------------------------------------------

  async deliverDue(now: number, limit: number, next: NextOccurrence): Promise<DueResult> {
    return withTransaction(this.pool, async (client): Promise<DueResult> => {
      const result: DueResult = { events: [], delivered: 0, fanOutQueued: false };
      // SKIP LOCKED: another instance delivering the same due rows right now keeps them; we take the rest.
      const { rows: due } = await client.query<ScheduleRow>(
        'SELECT * FROM schedules WHERE due_at <= $1 ORDER BY due_at, message_id LIMIT $2 FOR UPDATE SKIP LOCKED',
        [now, limit],
      );
      for (const schedule of due) {
        const row = (await getMessage(client, schedule.message_id))!;
        const template = readStoredMessage(row.message_json);
        if (!template) {
          await client.query('DELETE FROM schedules WHERE message_id = $1', [row.id]);
          await this.setStatus(client, row.id, 'cancelled');
          (result.unreadable ??= []).push(row.id);
          continue;
        }
        const target = JSON.parse(row.target_json!) as Recipients;
        if (schedule.cron === null) {
          await client.query('DELETE FROM schedules WHERE message_id = $1', [row.id]);
          // Expiry wins over delivery: a promotion that ended while we waited is never sent.
          if (template.expiresAt && Date.parse(template.expiresAt) <= now) {
            await this.setStatus(client, row.id, 'expired');
            continue;
          }
          const message = { ...template, deliverAt: new Date(now).toISOString() };
          await client.query('UPDATE messages SET message_json = $1, status = $2, sent_at = $3 WHERE id = $4', [
            JSON.stringify(message),
            target.topic ? 'sending' : 'sent',
            new Date(now).toISOString(),
            row.id,
          ]);
          result.events.push(...(await this.deliver(client, message, target, now)));
        } else {
          const occurrence = occurrenceOf(template, schedule, now);
          await insertMessage(client, occurrence, row.merchant_id, 0, target.topic ? 'sending' : 'sent', row.target_json, null, new Date(now).toISOString());
          result.events.push(...(await this.deliver(client, occurrence, target, now)));
          // From now, not from due_at: occurrences missed while down collapse into this one.
          const following = next(schedule.cron, schedule.tz ?? undefined, now);
          if (following === undefined) {
            await client.query('DELETE FROM schedules WHERE message_id = $1', [row.id]);
            await this.setStatus(client, row.id, 'sent');
          } else {
            await client.query('UPDATE schedules SET due_at = $1, occurrences = occurrences + 1 WHERE message_id = $2', [
              following,
              row.id,
            ]);
          }
        }
        result.delivered++;
        if (target.topic) result.fanOutQueued = true;
      }
      return result;
    });
  }

  async nextDueAt(): Promise<number | undefined> {
    const { rows } = await this.pool.query<{ due_at: number }>('SELECT due_at FROM schedules ORDER BY due_at LIMIT 1');
    return rows[0]?.due_at;
  }

  async listScheduled(merchantId: string, afterId: string, limit: number, titleContains?: string): Promise<ScheduledSummary[]> {
    const { rows } = await this.pool.query<MessageRow & ScheduleRow>(
      `SELECT m.id, m.message_json, m.target_json, s.due_at, s.cron, s.tz, s.occurrences
       FROM messages m JOIN ${PENDING_SCHEDULES} ON s.message_id = m.id
       WHERE m.merchant_id = $1 AND m.status = 'scheduled' AND m.id > $2 AND ${TITLE_MATCHES} ORDER BY m.id LIMIT $3`,
      [merchantId, afterId, limit, titleContains ?? null],
    );
    return rows.map(toScheduledSummary);
  }

  async listSent(
    merchantId: string,
    status: MessageStatus | undefined,
    afterId: string,
    limit: number,
    titleContains?: string,
  ): Promise<SentSummary[]> {
    // Without a status, every message but shoppers' replies (messages_by_merchant); with one, messages_by_merchant_status.
    const { rows } = await this.pool.query<SentSummaryRow>(
      `SELECT ${SENT_SUMMARY_COLUMNS},
         (SELECT COUNT(*)::int FROM message_states ms WHERE ms.message_id = m.id AND ms.read) AS read
       FROM messages m
       WHERE m.merchant_id = $1 AND ${status === undefined ? "m.status <> 'reply'" : 'm.status = $5'} AND m.id > $2
         AND ${TITLE_MATCHES}
       ORDER BY m.id LIMIT $3`,
      status === undefined ? [merchantId, afterId, limit, titleContains ?? null] : [merchantId, afterId, limit, titleContains ?? null, status],
    );
    return rows.map(toSentSummary);
  }

  async listSentNewest(
    merchantId: string,
    status: MessageStatus | undefined,
    before: NewestCursor | undefined,
    limit: number,
    titleContains?: string,
  ): Promise<SentSummary[]> {
    const { createdAt, id } = before ?? NEWEST_FIRST_PAGE;
    const { rows } = await this.pool.query<SentSummaryRow>(
      `SELECT ${SENT_SUMMARY_COLUMNS},
         (SELECT COUNT(*)::int FROM message_states ms WHERE ms.message_id = m.id AND ms.read) AS read
       FROM messages m
       WHERE m.merchant_id = $1 AND ${status === undefined ? "m.status <> 'reply'" : 'm.status = $6'}
         AND (m.created_at, m.id) < ($2, $3) AND ${TITLE_MATCHES.replaceAll('$4', '$5')}
       ORDER BY m.created_at DESC, m.id DESC LIMIT $4`,
      [merchantId, createdAt, id, limit, titleContains ?? null, ...(status === undefined ? [] : [status])],
    );
    return rows.map(toSentSummary);
  }

  async cancel(merchantId: string, id: string): Promise<LifecycleOutcome<{ status: MessageStatus }>> {
    return withTransaction(this.pool, async (client): Promise<LifecycleOutcome<{ status: MessageStatus }>> => {
      const before = await getMessage(client, id);
      if (!before || before.merchant_id !== merchantId || before.status === 'reply') return { ok: false, reason: 'not-found' };
      if (before.status === 'cancelled') return { ok: true, value: { status: 'cancelled' } };
      // Delete the schedule first: if an instance is delivering it right now, this waits for that
      // commit, and the status read next tells whether it went out (then it is too late to cancel).
      await client.query('DELETE FROM schedules WHERE message_id = $1', [id]);
      await this.localTime.stop(client, id);
      const row = (await getMessage(client, id, true))!;
      if (row.status === 'cancelled') return { ok: true, value: { status: 'cancelled' } };
      if (row.status !== 'scheduled') return { ok: false, reason: 'already-sent' };
      await this.setStatus(client, id, 'cancelled');
      return { ok: true, value: { status: 'cancelled' } };
    });
  }

  // ---- topics ----------------------------------------------------------------------------------

  async subscribeTopic(userId: string, topic: string, now: number): Promise<void> {
    await this.pool.query(
      'INSERT INTO topic_subscriptions (topic, user_id, subscribed_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [topic, userId, now],
    );
  }

  async unsubscribeTopic(userId: string, topic: string): Promise<boolean> {
    const result = await this.pool.query('DELETE FROM topic_subscriptions WHERE topic = $1 AND user_id = $2', [topic, userId]);
    return (result.rowCount ?? 0) > 0;
  }

  async listTopics(userId: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ topic: string }>(
      'SELECT topic FROM topic_subscriptions WHERE user_id = $1 ORDER BY topic',
      [userId],
    );
    return rows.map((row) => row.topic);
  }

  async fanOutBatch(now: number, batchSize: number): Promise<FanOutResult> {
    return withTransaction(this.pool, async (client): Promise<FanOutResult> => {
      const events: AppendedEvent[] = [];
      while (events.length < batchSize) {
        // SKIP LOCKED: instances work on different broadcasts at once instead of queueing on the oldest.
        const { rows: jobs } = await client.query<FanOutJob>(
          `SELECT message_id, topic, cutoff, after_user_id FROM fanout_jobs
           ORDER BY created_at, message_id LIMIT 1 FOR UPDATE SKIP LOCKED`,
        );
        const job = jobs[0];
        if (!job || !(await this.fanOutJob(client, job, now, batchSize - events.length, events))) break;
      }
      const { rows: left } = await client.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM fanout_jobs');
      return { events, more: left[0]!.n > 0 };
    });
  }

  /** As SqliteLifecycle.fanOutJob: the next `room` subscribers of one job; true when the job is done. */
  private async fanOutJob(client: PoolClient, job: FanOutJob, now: number, room: number, events: AppendedEvent[]): Promise<boolean> {
    const row = (await getMessage(client, job.message_id))!;
    const message = messageSchema.parse(JSON.parse(row.message_json));
    // Expired mid-broadcast: those not reached yet never get it (the rest hide it in their inbox).
    const expired = message.expiresAt !== undefined && Date.parse(message.expiresAt) <= now;
    const stopped = row.status !== 'sending' || expired;
    const found = stopped
      ? []
      : (
          await client.query<{ user_id: string }>(
            `SELECT user_id FROM topic_subscriptions WHERE topic = $1 AND user_id > $2 AND subscribed_at <= $3
             ORDER BY user_id LIMIT $4`,
            [job.topic, job.after_user_id, job.cutoff, room + 1],
          )
        ).rows.map((u) => u.user_id);
    const users = found.slice(0, room);
    const appended = await this.append(client, message, users, now, true);
    for (const event of appended) events.push(event);
    await client.query('UPDATE messages SET recipients = recipients + $1 WHERE id = $2', [appended.length, message.id]);
    if (found.length > room) {
      await client.query('UPDATE fanout_jobs SET after_user_id = $1 WHERE message_id = $2', [users[users.length - 1], job.message_id]);
      return false;
    }
    await client.query('DELETE FROM fanout_jobs WHERE message_id = $1', [job.message_id]);
    // Expired before reaching anyone: nobody got it, and the status says so.
    const reachedNobody = expired && job.after_user_id === '' && users.length === 0;
    if (row.status === 'sending') await this.setStatus(client, job.message_id, reachedNobody ? 'expired' : 'sent');
    return true;
  }

  // ---- retraction, correction, replies ----------------------------------------------------------

  async retract(merchantId: string, id: string): Promise<LifecycleOutcome<AppendedEvent[]>> {
    return withTransaction(this.pool, async (client): Promise<LifecycleOutcome<AppendedEvent[]>> => {
      const reach = await this.lockReach(client, id);
      if (!reach) return { ok: false, reason: 'not-found' };
      const { row } = reach;
      if (row.merchant_id !== merchantId || row.status === 'reply') return { ok: false, reason: 'not-found' };
      if (row.status === 'retracted') return { ok: true, value: [] };
      if (reach.reach === 'pending' || reach.reach === 'closed') return unsentOutcome(await this.isRecurring(client, id));
      // The zones still waiting never get it.
      if (reach.reach === 'part-sent') await this.localTime.stop(client, id);
      // Pushes not yet sent are dropped (counted as skipped); the jobs queued next carry the retraction.
      // A held push summary's retry stays: the push worker sends it with the corrected message, or not at all once retracted.
      const dropped = (await client.query('DELETE FROM push_jobs WHERE message_id = $1 AND summary_json IS NULL', [id])).rowCount ?? 0;
      if (dropped > 0) await client.query('UPDATE messages SET push_skipped = push_skipped + $1 WHERE id = $2', [dropped, id]);
      await client.query('DELETE FROM fanout_jobs WHERE message_id = $1', [id]);
      await this.setStatus(client, id, 'retracted');
      return { ok: true, value: await this.append(client, id, await this.recipientsOf(client, id), Date.now(), true) };
    });
  }

  async correct(merchantId: string, id: string, patch: (message: Message) => Message): Promise<LifecycleOutcome<AppendedEvent[]>> {
    return withTransaction(this.pool, async (client): Promise<LifecycleOutcome<AppendedEvent[]>> => {
      const reach = await this.lockReach(client, id);
      if (!reach) return { ok: false, reason: 'not-found' };
      const { row } = reach;
      if (row.merchant_id !== merchantId || row.status === 'reply') return { ok: false, reason: 'not-found' };
      // Not sent yet (or, local-time, not everywhere yet): what is still to go out goes with the new content.
      if (reach.reach === 'closed') return unsentOutcome(await this.isRecurring(client, id));
      const corrected = patch(messageSchema.parse(JSON.parse(row.message_json)));
      await client.query('UPDATE messages SET message_json = $1 WHERE id = $2', [JSON.stringify(corrected), id]);
      // Pushes still queued will carry the corrected text; new ones replace the tray entry (same tag).
      await client.query('DELETE FROM push_jobs WHERE message_id = $1 AND summary_json IS NULL', [id]);
      // Those who have it get the correction; nobody yet, for a message still waiting.
      return { ok: true, value: await this.append(client, corrected, await this.recipientsOf(client, id), Date.now(), true) };
    });
  }

  /**
   * The message, locked, and how far it went. Its schedule and local-time zones are locked first, in
   * the order the scheduler takes them (schedule or zones, then the message), so a delivery running
   * now is waited for and the status read after it is final.
   */
  private async lockReach(client: PoolClient, id: string): Promise<{ row: MessageRow; reach: Reach } | undefined> {
    await client.query('SELECT 1 FROM schedules WHERE message_id = $1 FOR UPDATE', [id]);
    const reached = await this.localTime.reached(client, id);
    const row = await getMessage(client, id, true);
    return row && { row, reach: reachOf(row.status, reached) };
  }

  /** A recurrence's template: it has (or, as a local-time one, had) a cron, or sent an occurrence (cancelled since). */
  private async isRecurring(client: PoolClient, id: string): Promise<boolean> {
    const { rows } = await client.query<{ recurring: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM schedules WHERE message_id = $1 AND cron IS NOT NULL)
         OR EXISTS (SELECT 1 FROM local_time_zones WHERE message_id = $1 AND cron IS NOT NULL)
         OR EXISTS (SELECT 1 FROM messages WHERE id = $1 || '.1') AS recurring`,
      [id],
    );
    return rows[0]!.recurring;
  }

  private async recipientsOf(client: PoolClient, id: string): Promise<string[]> {
    const { rows } = await client.query<{ user_id: string }>(
      `SELECT DISTINCT user_id FROM events WHERE message_id = $1 AND kind = 'message' ORDER BY user_id`,
      [id],
    );
    return rows.map((r) => r.user_id);
  }

  async reply(userId: string, messageId: string, build: (original: Message) => Message): Promise<LifecycleOutcome<AppendedEvent[]>> {
    return withTransaction(this.pool, async (client): Promise<LifecycleOutcome<AppendedEvent[]>> => {
      const row = await getMessage(client, messageId);
      const received = await client.query(
        `SELECT 1 FROM events WHERE message_id = $1 AND user_id = $2 AND kind = 'message' LIMIT 1`,
        [messageId, userId],
      );
      if (!row || received.rowCount === 0) return { ok: false, reason: 'not-found' };
      const original = messageSchema.parse(JSON.parse(row.message_json));
      if (original.type !== 'user' || row.status === 'retracted') return { ok: false, reason: 'not-found' };
      const reply = build(original);
      await insertMessage(client, reply, row.merchant_id, 1, 'reply', null, messageId, null);
      await recordEvent(client, row.merchant_id, repliedFact(messageId, userId, reply));
      // The shopper's own words: into their log for their other devices, never pushed back at them.
      return { ok: true, value: await this.append(client, reply, [userId], Date.parse(reply.createdAt), false) };
    });
  }

  async listReplies(
    merchantId: string,
    messageId: string,
    afterId: string,
    limit: number,
  ): Promise<LifecycleOutcome<{ userId: string; message: Message }[]>> {
    const row = await getMessage(this.pool, messageId);
    if (!row || row.merchant_id !== merchantId) return { ok: false, reason: 'not-found' };
    const { rows } = await this.pool.query<{ message_json: string }>(
      `SELECT message_json FROM messages WHERE reply_to = $1 AND status = 'reply' AND id > $2 ORDER BY id LIMIT $3`,
      [messageId, afterId, limit],
    );
    const replies = rows.map((r) => messageSchema.parse(JSON.parse(r.message_json)));
    return { ok: true, value: replies.map((message) => ({ userId: message.sender!.id, message })) };
  }

  // ---- status ----------------------------------------------------------------------------------

  async getStatus(id: string): Promise<MessageStatusRecord | undefined> {
    const { rows } = await this.pool.query<
      StatusRow & {
        due_at: number | null;
        cron: string | null;
        tz: string | null;
        occurrences: number | null;
        read: number;
      }
    >(
      `SELECT m.status, m.target_json, m.delivered_live, s.due_at, s.cron, s.tz, s.occurrences,
         (SELECT COUNT(*)::int FROM message_states ms WHERE ms.message_id = m.id AND ms.read) AS read
       FROM messages m LEFT JOIN schedules s ON s.message_id = m.id WHERE m.id = $1`,
      [id],
    );
    const row = rows[0];
    if (!row) return undefined;
    const schedule =
      row.due_at === null ? undefined : { due_at: row.due_at, cron: row.cron, tz: row.tz, occurrences: row.occurrences ?? 0 };
    return toStatusRecord(row, schedule, row.read);
  }

  async statusOf(id: string): Promise<MessageStatus | undefined> {
    const { rows } = await this.pool.query<{ status: MessageStatus }>('SELECT status FROM messages WHERE id = $1', [id]);
    return rows[0]?.status;
  }

  async addDeliveredLive(counts: ReadonlyMap<string, number>): Promise<void> {
    if (counts.size === 0) return;
    await this.pool.query(
      `UPDATE messages m SET delivered_live = m.delivered_live + c.n
       FROM unnest($1::text[], $2::int[]) AS c(id, n) WHERE m.id = c.id`,
      [[...counts.keys()], [...counts.values()]],
    );
  }
}
