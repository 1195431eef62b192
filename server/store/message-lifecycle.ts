import type { Message, Recipients, SendMessageResponse } from '../../shared/message.schema.js';
import type { DigestSpec, HeldPushStore } from './held-push-store.js';
import type { LocalTimeSpec, LocalTimeStore } from './local-time-store.js';
import type { AppendedEvent } from './store.js';

/**
 * The part of the store behind issue 5: scheduling, topics, idempotency,
 * retraction, correction and replies. Kept beside `Store` rather than inside
 * it so one concept stays in one file; a store exposes it as `store.lifecycle`.
 * Every method is one transaction; every method that appends events returns
 * them for the bus, after commit.
 */
export type MessageStatus = 'queued' | 'scheduled' | 'sending' | 'sent' | 'cancelled' | 'expired' | 'retracted' | 'reply';

/** Statuses in which a message has gone (or is going) to shoppers: retract and correct apply. */
export const DELIVERED: readonly MessageStatus[] = ['sent', 'sending'];

/**
 * The message one occurrence of a recurring schedule delivers. Each is its
 * own message (own id, own counts), so the inbox keeps them all.
 */
export function occurrenceOf(template: Message, schedule: { message_id: string; occurrences: number; due_at: number }, now: number): Message {
  return {
    ...template,
    id: `${schedule.message_id}.${schedule.occurrences + 1}`,
    createdAt: new Date(now).toISOString(),
    deliverAt: new Date(schedule.due_at).toISOString(),
  };
}

export interface ScheduleSpec {
  /** Epoch ms of the first delivery. */
  dueAt: number;
  cron?: string;
  tz?: string;
}

export interface IdempotencySpec {
  key: string;
  /** SHA-256 of the canonical request body: the same key with another body is refused. */
  bodyHash: string;
}

export interface AcceptInput {
  message: Message;
  merchantId: string;
  target: Recipients;
  /** Absent: deliver now (direct: in this transaction; topic: queue the fan-out). */
  schedule?: ScheduleSpec;
  /** Instead of a schedule: at a wall-clock time in each recipient's zone (see local-time-store.ts). */
  localTime?: LocalTimeSpec;
  /** Its pushes go into the shopper's digest of this key (see held-push-store.ts). */
  digest?: DigestSpec;
  idempotency?: IdempotencySpec;
  now: number;
}

export type AcceptResult =
  | { kind: 'accepted'; response: SendMessageResponse; events: AppendedEvent[] }
  /** The key was seen with the same body: the first answer, nothing stored or sent. */
  | { kind: 'replayed'; response: SendMessageResponse }
  | { kind: 'key-reused' };

/** Computes the next occurrence of a recurrence strictly after `after`, or undefined when there is none. */
export type NextOccurrence = (cron: string, tz: string | undefined, after: number) => number | undefined;

export interface DueResult {
  events: AppendedEvent[];
  /** Messages delivered (occurrences included). */
  delivered: number;
  /** True when a topic fan-out was queued. */
  fanOutQueued: boolean;
  /** Due messages whose stored content could not be read: cancelled rather than left to block every later batch. */
  unreadable?: string[];
}

/** A broadcast being fanned out: its topic, who joined in time, and the last subscriber reached. */
export interface FanOutJob {
  message_id: string;
  topic: string;
  cutoff: number;
  after_user_id: string;
}

export interface FanOutResult {
  events: AppendedEvent[];
  /** More batches wait (this job or another). */
  more: boolean;
}

/**
 * Why a lifecycle change was refused. `recurring`: retracting (or correcting, once stopped) a recurring
 * message's template, which is never sent itself: each occurrence is a message of its own (`<id>.<n>`).
 */
export type LifecycleOutcome<T> = { ok: true; value: T } | { ok: false; reason: 'not-found' | 'already-sent' | 'not-sent' | 'recurring' };

/**
 * How far a message went, for a retraction or correction: `sent` (or sending); `part-sent`, a one-off
 * local-time message some zones got (others still waiting, or cancelled since); `pending`, scheduled
 * and nobody has it yet; `closed`, cancelled or expired before anyone got it (or retracted).
 */
export type Reach = 'sent' | 'part-sent' | 'pending' | 'closed';

export function reachOf(status: MessageStatus, localTimeReached: boolean): Reach {
  if (DELIVERED.includes(status)) return 'sent';
  if ((status === 'scheduled' || status === 'cancelled') && localTimeReached) return 'part-sent';
  return status === 'scheduled' ? 'pending' : 'closed';
}

/**
 * What a retraction or correction of a message nobody has yet answers: a recurrence's template
 * (it has, or had, a cron, or sent an occurrence) is `recurring`, anything else `not-sent`.
 */
export function unsentOutcome(recurring: boolean): { ok: false; reason: 'not-sent' | 'recurring' } {
  return { ok: false, reason: recurring ? 'recurring' : 'not-sent' };
}

export interface MessageStatusRecord {
  status: MessageStatus;
  target: Recipients | undefined;
  deliveredLive: number;
  schedule: { dueAt: number; cron: string | null; tz: string | null; occurrences: number } | undefined;
  /** Shoppers who read it, when the store tracks message state; undefined otherwise. */
  read: number | undefined;
}

export interface ScheduledSummary {
  id: string;
  title: string;
  dueAt: number;
  cron: string | null;
  tz: string | null;
  occurrences: number;
  target: Recipients;
}

/** One of a merchant's messages as `GET /api/v1/messages` lists it: what it was, where it is, what became of it. */
export interface SentSummary {
  id: string;
  status: MessageStatus;
  message: Message;
  target: Recipients | undefined;
  recipients: number;
  deliveredLive: number;
  push: { targets: number; pushed: number; failed: number; skipped: number };
  read: number;
}

/** Where a newest-first page ended: its last message's createdAt (ISO 8601 as stored) and id. */
export interface NewestCursor {
  createdAt: string;
  id: string;
}

/**
 * Sorts after every stored createdAt (ISO 8601, same shape, under any collation), so the
 * first page needs no statement of its own.
 */
export const NEWEST_FIRST_PAGE: NewestCursor = { createdAt: '9999-12-31T23:59:59.999Z', id: '' };

export interface MessageLifecycleStore {
  /** Messages planned per recipient zone (issue 15); accept plans them, cancel stops them. */
  readonly localTime: LocalTimeStore;
  /** Pushes held for a digest or deferred quiet hours, released as one summary (issue 15). */
  readonly heldPushes: HeldPushStore;
  accept(input: AcceptInput): Promise<AcceptResult>;
  /** Forgets idempotency keys older than `before` (epoch ms); returns how many. */
  purgeIdempotencyKeys(before: number): Promise<number>;

  /** Claims up to `limit` due schedules and delivers each, all in one transaction. */
  deliverDue(now: number, limit: number, next: NextOccurrence): Promise<DueResult>;
  /** Epoch ms of the earliest schedule, so the scheduler can sleep until then. */
  nextDueAt(): Promise<number | undefined>;
  /** `titleContains`: see listSent. */
  listScheduled(merchantId: string, afterId: string, limit: number, titleContains?: string): Promise<ScheduledSummary[]>;
  /**
   * A merchant's messages in id order after `afterId` (keyset, like listScheduled): those in
   * `status` if given, otherwise every one it sent (shoppers' replies only when asked for by status).
   * `titleContains`: only titles holding it, ignoring case, taken literally (no wildcards). No index
   * serves a substring: the walk follows the merchant's id index and tests each title, so a rare
   * match costs a scan of that merchant's messages (in the status, if given), never of the table.
   */
  listSent(
    merchantId: string,
    status: MessageStatus | undefined,
    afterId: string,
    limit: number,
    titleContains?: string,
  ): Promise<SentSummary[]>;
  /**
   * The same listing newest first: by (createdAt, id) descending, strictly after `before` when
   * given (keyset on messages_newest / messages_newest_by_status), so a page continues where the
   * previous one ended however many messages are sent meanwhile (those sort above it).
   */
  listSentNewest(
    merchantId: string,
    status: MessageStatus | undefined,
    before: NewestCursor | undefined,
    limit: number,
    titleContains?: string,
  ): Promise<SentSummary[]>;
  cancel(merchantId: string, id: string): Promise<LifecycleOutcome<{ status: MessageStatus }>>;

  subscribeTopic(userId: string, topic: string, now: number): Promise<void>;
  unsubscribeTopic(userId: string, topic: string): Promise<boolean>;
  listTopics(userId: string): Promise<string[]>;
  /**
   * Appends up to `batchSize` subscribers' events, oldest fan-out first, and moves each job's position,
   * in one transaction: a job that ends inside the batch is finished there and the next one continues
   * it, so a burst of small broadcasts shares one commit (and one fsync) instead of one each.
   */
  fanOutBatch(now: number, batchSize: number): Promise<FanOutResult>;

  /** Appends `retracted` to every recipient's log, drops pending pushes and queues retraction pushes. */
  retract(merchantId: string, id: string): Promise<LifecycleOutcome<AppendedEvent[]>>;
  /**
   * Replaces the content and appends a `message` event with the same id to every recipient's log.
   * A message not sent yet (scheduled, a local-time one's pending zones, a recurrence's future
   * occurrences) goes out with the new content; one that reached nobody and never will is `not-sent`.
   */
  correct(merchantId: string, id: string, patch: (message: Message) => Message): Promise<LifecycleOutcome<AppendedEvent[]>>;

  /** Stores the shopper's reply as a message in their own log; only on a user message they received. */
  reply(userId: string, messageId: string, build: (original: Message) => Message): Promise<LifecycleOutcome<AppendedEvent[]>>;
  listReplies(merchantId: string, messageId: string, afterId: string, limit: number): Promise<LifecycleOutcome<{ userId: string; message: Message }[]>>;

  getStatus(id: string): Promise<MessageStatusRecord | undefined>;
  /**
   * The status alone: for the push worker, which asks once per message whether it was retracted
   * and needs neither the recipients (20,000 ids for a message to 20,000 shoppers) nor the counts.
   */
  statusOf(id: string): Promise<MessageStatus | undefined>;
  /** Adds counts of events sent on live streams, per message. */
  addDeliveredLive(counts: ReadonlyMap<string, number>): Promise<void>;
}
