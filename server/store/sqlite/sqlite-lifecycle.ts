import type Database from 'better-sqlite3';
import { repliedFact } from '../../webhooks/event-facts.js';
import type { EventFact } from '../../webhooks/webhook-store.js';
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
import { readStoredMessage, toScheduledSummary, toSentSummary, toStatusRecord } from '../store-rows.js';
import type { GroupCommit } from './group-commit.js';
import { prepareLifecycleStatements } from './sqlite-lifecycle-statements.js';
import { SqliteHeldPushes } from './sqlite-held-pushes.js';
import { SqliteLocalTime } from './sqlite-local-time.js';

/**
 * SQLite side of the message lifecycle. Shares the store's connection and
 * group commit; every public method is one transaction. The PostgreSQL
 * version maps one to one: claims become SELECT … FOR UPDATE SKIP LOCKED.
 */
export class SqliteLifecycle implements MessageLifecycleStore {
  private readonly s;
  readonly localTime: SqliteLocalTime;
  readonly heldPushes: SqliteHeldPushes;

  constructor(
    private readonly db: Database.Database,
    private readonly groupCommit: GroupCommit,
    /** Records `message.replied` in the reply's transaction (issue 10). */
    private readonly outbox?: { record(merchantId: string, fact: EventFact): boolean },
  ) {
    this.s = prepareLifecycleStatements(db);
    this.localTime = new SqliteLocalTime(db, (message, userIds, now) => this.appendMessage(message, userIds, now, true));
    this.heldPushes = new SqliteHeldPushes(db);
  }

  // ---- accepting -------------------------------------------------------------------------------

  accept(input: AcceptInput): Promise<AcceptResult> {
    // Through the group commit: the check, the message and the key share one savepoint, and
    // writes are serialised, so two concurrent retries can never both pass the check.
    return this.groupCommit.run((): AcceptResult => {
      const { message, merchantId, target, schedule, localTime, digest, idempotency, now } = input;
      if (idempotency) {
        const seen = this.s.getKey.get(merchantId, idempotency.key);
        if (seen) {
          if (seen.body_hash !== idempotency.bodyHash) return { kind: 'key-reused' };
          return { kind: 'replayed', response: JSON.parse(seen.response_json) as SendMessageResponse };
        }
      }
      const later = schedule !== undefined || localTime !== undefined;
      const status: MessageStatus = later ? 'scheduled' : target.topic ? 'sending' : 'sent';
      this.s.insertMessage.run(message.id, merchantId, JSON.stringify(message), 0, message.createdAt, status, JSON.stringify(target), null,
        message.category, later ? null : new Date(now).toISOString());
      if (digest) this.heldPushes.recordDigest(message.id, digest);
      let events: AppendedEvent[] = [];
      if (schedule) this.s.insertSchedule.run(message.id, schedule.dueAt, schedule.cron ?? null, schedule.tz ?? null);
      else if (localTime) this.localTime.plan(message.id, target, localTime, now);
      else events = this.deliver(message, target, now);
      const response: SendMessageResponse = {
        id: message.id,
        status: later ? 'scheduled' : 'queued',
        recipients: events.length,
      };
      if (idempotency) this.s.putKey.run(merchantId, idempotency.key, idempotency.bodyHash, JSON.stringify(response), now);
      return { kind: 'accepted', response, events };
    });
  }

  async purgeIdempotencyKeys(before: number): Promise<number> {
    return this.s.purgeKeys.run(before).changes;
  }

  /** Inside the caller's transaction: direct recipients get their events now; a topic gets a fan-out job. */
  private deliver(message: Message, target: Recipients, now: number): AppendedEvent[] {
    if (target.topic !== undefined) {
      this.s.insertFanOut.run(message.id, target.topic, now, now);
      return [];
    }
    const events = this.appendMessage(message, [...new Set(target.userIds)], now, true);
    this.s.addRecipients.run(events.length, message.id);
    return events;
  }

  /**
   * Appends one event per shopper (bumping their seq, so each log stays gap-free) and optionally queues pushes:
   * a `message` event, or, given a message id alone, `retracted` (which needs no text: a damaged one is retracted too).
   */
  private append(subject: Message | string, userIds: readonly string[], now: number, push: boolean): AppendedEvent[] {
    let targets = 0;
    const createdAt = new Date(now).toISOString();
    const messageId = typeof subject === 'string' ? subject : subject.id;
    const payload = typeof subject === 'string' ? JSON.stringify({ messageId }) : null;
    const events = userIds.map((userId): AppendedEvent => {
      const seq = this.s.bumpSeq.get(userId)!.last_seq;
      this.s.insertEvent.run(userId, seq, typeof subject === 'string' ? 'retracted' : 'message', messageId, createdAt, payload);
      if (push) targets += this.s.queuePushJobs.run(messageId, now, userId).changes;
      return {
        userId,
        event: typeof subject === 'string' ? { seq, kind: 'retracted', messageId } : { seq, kind: 'message', message: subject },
      };
    });
    if (targets > 0) this.s.addPushTargets.run(targets, messageId);
    return events;
  }

  private appendMessage(message: Message, userIds: readonly string[], now: number, push: boolean): AppendedEvent[] {
    return this.append(message, userIds, now, push);
  }

  // ---- scheduling ------------------------------------------------------------------------------

  async deliverDue(now: number, limit: number, next: NextOccurrence): Promise<DueResult> {
    return this.db.transaction((): DueResult => {
      const result: DueResult = { events: [], delivered: 0, fanOutQueued: false };
      for (const schedule of this.s.dueSchedules.all(now, limit)) {
        const row = this.s.getMessage.get(schedule.message_id)!;
        const template = readStoredMessage(row.message_json);
        if (!template) {
          this.s.deleteSchedule.run(schedule.message_id);
          this.s.setStatus.run('cancelled', row.id);
          (result.unreadable ??= []).push(row.id);
          continue;
        }
        const target = JSON.parse(row.target_json!) as Recipients;
        if (schedule.cron === null) {
          this.s.deleteSchedule.run(schedule.message_id);
          // Expiry wins over delivery: a promotion that ended while we waited is never sent.
          if (template.expiresAt && Date.parse(template.expiresAt) <= now) {
            this.s.setStatus.run('expired', row.id);
            continue;
          }
          const message = { ...template, deliverAt: new Date(now).toISOString() };
          this.s.setJson.run(JSON.stringify(message), row.id);
          this.s.markSent.run(target.topic ? 'sending' : 'sent', new Date(now).toISOString(), row.id);
          result.events.push(...this.deliver(message, target, now));
        } else {
          const occurrence = occurrenceOf(template, schedule, now);
          this.s.insertMessage.run(occurrence.id, row.merchant_id, JSON.stringify(occurrence), 0, occurrence.createdAt,
            target.topic ? 'sending' : 'sent', row.target_json, null, occurrence.category, new Date(now).toISOString());
          result.events.push(...this.deliver(occurrence, target, now));
          // From now, not from due_at: occurrences missed while down collapse into this one.
          const following = next(schedule.cron, schedule.tz ?? undefined, now);
          if (following === undefined) {
            this.s.deleteSchedule.run(row.id);
            this.s.setStatus.run('sent', row.id);
          } else {
            this.s.advanceSchedule.run(following, row.id);
          }
        }
        result.delivered++;
        if (target.topic) result.fanOutQueued = true;
      }
      return result;
    })();
  }

  async nextDueAt(): Promise<number | undefined> {
    return this.s.nextDue.get()?.due_at;
  }

  async listScheduled(merchantId: string, afterId: string, limit: number, titleContains?: string): Promise<ScheduledSummary[]> {
    return this.s.listScheduled.all(merchantId, afterId, titleContains ?? null, titleContains ?? null, limit).map(toScheduledSummary);
  }

  async listSent(
    merchantId: string,
    status: MessageStatus | undefined,
    afterId: string,
    limit: number,
    titleContains?: string,
  ): Promise<SentSummary[]> {
    const needle = titleContains ?? null;
    const rows =
      status === undefined
        ? this.s.listSent.all(merchantId, afterId, needle, needle, limit)
        : this.s.listSentInStatus.all(merchantId, status, afterId, needle, needle, limit);
    return rows.map(toSentSummary);
  }

  async listSentNewest(
    merchantId: string,
    status: MessageStatus | undefined,
    before: NewestCursor | undefined,
    limit: number,
    titleContains?: string,
  ): Promise<SentSummary[]> {
    const needle = titleContains ?? null;
    const { createdAt, id } = before ?? NEWEST_FIRST_PAGE;
    const rows =
      status === undefined
        ? this.s.listSentNewest.all(merchantId, createdAt, id, needle, needle, limit)
        : this.s.listSentNewestInStatus.all(merchantId, status, createdAt, id, needle, needle, limit);
    return rows.map(toSentSummary);
  }

  async cancel(merchantId: string, id: string): Promise<LifecycleOutcome<{ status: MessageStatus }>> {
    return this.db.transaction((): LifecycleOutcome<{ status: MessageStatus }> => {
      const row = this.s.getMessage.get(id);
      if (!row || row.merchant_id !== merchantId || row.status === 'reply') return { ok: false, reason: 'not-found' };
      if (row.status === 'cancelled') return { ok: true, value: { status: 'cancelled' } };
      if (row.status !== 'scheduled') return { ok: false, reason: 'already-sent' };
      this.s.deleteSchedule.run(id);
      this.localTime.stop(id);
      this.s.setStatus.run('cancelled', id);
      return { ok: true, value: { status: 'cancelled' } };
    })();
  }

  // ---- topics ----------------------------------------------------------------------------------

  async subscribeTopic(userId: string, topic: string, now: number): Promise<void> {
    this.s.subscribe.run(topic, userId, now);
  }

  async unsubscribeTopic(userId: string, topic: string): Promise<boolean> {
    return this.s.unsubscribe.run(topic, userId).changes > 0;
  }

  async listTopics(userId: string): Promise<string[]> {
    return this.s.topicsOf.all(userId).map((row) => row.topic);
  }

  async fanOutBatch(now: number, batchSize: number): Promise<FanOutResult> {
    return this.db.transaction((): FanOutResult => {
      const events: AppendedEvent[] = [];
      let job;
      while (events.length < batchSize && (job = this.s.oldestFanOut.get())) {
        if (!this.fanOutJob(job, now, batchSize - events.length, events)) break;
      }
      return { events, more: this.s.countFanOuts.get()!.n > 0 };
    })();
  }

  /**
   * Appends the next `room` subscribers of one job to `events`; true when the job is done (deleted).
   * One subscriber more than fits is read, so a job that ends exactly at the batch's edge is finished
   * in this transaction rather than by an empty one after it.
   */
  private fanOutJob(
    job: FanOutJob,
    now: number,
    room: number,
    events: AppendedEvent[],
  ): boolean {
    const row = this.s.getMessage.get(job.message_id)!;
    const message = messageSchema.parse(JSON.parse(row.message_json));
    // Expired mid-broadcast: those not reached yet never get it (the rest hide it in their inbox).
    const expired = message.expiresAt !== undefined && Date.parse(message.expiresAt) <= now;
    const stopped = row.status !== 'sending' || expired;
    const found = stopped ? [] : this.s.subscribersAfter.all(job.topic, job.after_user_id, job.cutoff, room + 1);
    const users = found.slice(0, room).map((u) => u.user_id);
    const appended = users.length === 0 ? [] : this.appendToRange(message, job, users[users.length - 1]!, now);
    for (const event of appended) events.push(event);
    this.s.addRecipients.run(appended.length, message.id);
    if (found.length > room) {
      this.s.moveFanOut.run(users[users.length - 1]!, job.message_id);
      return false;
    }
    this.s.deleteFanOut.run(job.message_id);
    // Expired before reaching anyone: nobody got it, and the status says so.
    const reachedNobody = expired && job.after_user_id === '' && users.length === 0;
    if (row.status === 'sending') this.s.setStatus.run(reachedNobody ? 'expired' : 'sent', job.message_id);
    return true;
  }

  /**
   * What `append` does for each subscriber, done for the job's subscribers in (after_user_id, last] by
   * three statements over the range: at 1,000,000 subscribers the per-statement cost of three
   * statements per shopper was most of the fan-out (bench/README.md, topic storage).
   */
  private appendToRange(message: Message, job: FanOutJob, last: string, now: number): AppendedEvent[] {
    const range = [job.topic, job.after_user_id, last, job.cutoff] as const;
    this.s.bumpSeqsInRange.run(...range);
    const appended = this.s.appendInRange.all(message.id, new Date(now).toISOString(), ...range);
    const targets = this.s.queuePushJobsInRange.run(message.id, now, ...range).changes;
    if (targets > 0) this.s.addPushTargets.run(targets, message.id);
    // RETURNING promises no order; a batch is published in user_id order, as before.
    appended.sort((a, b) => (a.user_id < b.user_id ? -1 : a.user_id > b.user_id ? 1 : 0));
    return appended.map((row): AppendedEvent => ({ userId: row.user_id, event: { seq: row.seq, kind: 'message', message } }));
  }

  // ---- retraction, correction, replies ----------------------------------------------------------

  async retract(merchantId: string, id: string): Promise<LifecycleOutcome<AppendedEvent[]>> {
    return this.db.transaction((): LifecycleOutcome<AppendedEvent[]> => {
      const row = this.s.getMessage.get(id);
      if (!row || row.merchant_id !== merchantId || row.status === 'reply') return { ok: false, reason: 'not-found' };
      if (row.status === 'retracted') return { ok: true, value: [] };
      const reach = this.reachOf(row);
      if (reach === 'pending' || reach === 'closed') return unsentOutcome(this.isRecurring(id));
      // The zones still waiting never get it.
      if (reach === 'part-sent') this.localTime.stop(id);
      // Pushes not yet sent are dropped (counted as skipped); the jobs queued next carry the retraction.
      const dropped = this.s.dropPushJobs.run(id).changes;
      if (dropped > 0) this.s.addSkipped.run(dropped, id);
      this.s.deleteFanOut.run(id);
      this.s.setStatus.run('retracted', id);
      const recipients = this.s.recipientsOf.all(id).map((r) => r.user_id);
      return { ok: true, value: this.append(id, recipients, Date.now(), true) };
    })();
  }

  async correct(merchantId: string, id: string, patch: (message: Message) => Message): Promise<LifecycleOutcome<AppendedEvent[]>> {
    return this.db.transaction((): LifecycleOutcome<AppendedEvent[]> => {
      const row = this.s.getMessage.get(id);
      if (!row || row.merchant_id !== merchantId || row.status === 'reply') return { ok: false, reason: 'not-found' };
      // Not sent yet (or, local-time, not everywhere yet): what is still to go out goes with the new content.
      if (this.reachOf(row) === 'closed') return unsentOutcome(this.isRecurring(id));
      const corrected = patch(messageSchema.parse(JSON.parse(row.message_json)));
      this.s.setJson.run(JSON.stringify(corrected), id);
      // Pushes still queued will carry the corrected text; new ones replace the tray entry (same tag).
      this.s.dropPushJobs.run(id);
      // Those who have it get the correction; nobody yet, for a message still waiting.
      const recipients = this.s.recipientsOf.all(id).map((r) => r.user_id);
      return { ok: true, value: this.appendMessage(corrected, recipients, Date.now(), true) };
    })();
  }

  private reachOf(row: { id: string; status: MessageStatus }): Reach {
    return reachOf(row.status, this.localTime.reached(row.id));
  }

  private isRecurring(id: string): boolean {
    return this.s.isRecurring.get({ id })!.recurring === 1;
  }

  async reply(userId: string, messageId: string, build: (original: Message) => Message): Promise<LifecycleOutcome<AppendedEvent[]>> {
    return this.groupCommit.run((): LifecycleOutcome<AppendedEvent[]> => {
      const row = this.s.getMessage.get(messageId);
      if (!row || !this.s.isRecipient.get(messageId, userId)) return { ok: false, reason: 'not-found' };
      const original = messageSchema.parse(JSON.parse(row.message_json));
      if (original.type !== 'user' || row.status === 'retracted') return { ok: false, reason: 'not-found' };
      const reply = build(original);
      this.s.insertMessage.run(reply.id, row.merchant_id, JSON.stringify(reply), 1, reply.createdAt, 'reply', null, messageId, reply.category, null);
      this.outbox?.record(row.merchant_id, repliedFact(messageId, userId, reply));
      // The shopper's own words: into their log for their other devices, never pushed back at them.
      return { ok: true, value: this.appendMessage(reply, [userId], Date.parse(reply.createdAt), false) };
    });
  }

  async listReplies(
    merchantId: string,
    messageId: string,
    afterId: string,
    limit: number,
  ): Promise<LifecycleOutcome<{ userId: string; message: Message }[]>> {
    const row = this.s.getMessage.get(messageId);
    if (!row || row.merchant_id !== merchantId) return { ok: false, reason: 'not-found' };
    const replies = this.s.listReplies.all(messageId, afterId, limit).map((r) => messageSchema.parse(JSON.parse(r.message_json)));
    return { ok: true, value: replies.map((message) => ({ userId: message.sender!.id, message })) };
  }

  // ---- status ----------------------------------------------------------------------------------

  async getStatus(id: string): Promise<MessageStatusRecord | undefined> {
    const row = this.s.status.get(id);
    return row && toStatusRecord(row, this.s.getSchedule.get(id), this.s.countRead.get(id)!.n);
  }

  async statusOf(id: string): Promise<MessageStatus | undefined> {
    return this.s.statusOnly.get(id)?.status;
  }

  async addDeliveredLive(counts: ReadonlyMap<string, number>): Promise<void> {
    this.db.transaction(() => {
      for (const [id, n] of counts) this.s.addLive.run(n, id);
    })();
  }
}
