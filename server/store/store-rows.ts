import type { SyncEvent } from '../../shared/event.schema.js';
import type { MerchantRole } from '../../shared/merchant-key.schema.js';
import type { MessageState, StateField } from '../../shared/message-state-merge.js';
import { RECIPIENT_ZONE } from '../../shared/recurrence.js';
import { messageSchema, PRIORITY, type Message, type Recipients } from '../../shared/message.schema.js';
import type { MessageStatus, MessageStatusRecord, ScheduledSummary, SentSummary } from './message-lifecycle.js';
import type { ClaimedPushJob, MerchantRecord, PushJobOutcome, PushSubscriptionRecord, StoredEvent, StoredMessage } from './store.js';
import { readHeldSummary } from './held-push-store.js';

/**
 * The rows both stores read (same tables, same snake_case columns) and their
 * mapping to the Store's records, written once. Only the SQL differs between
 * SQLite and PostgreSQL, and it stays with each store.
 */

export interface MerchantRow {
  id: string;
  name: string;
  role: MerchantRole;
  created_at: string;
  revoked_at: string | null;
}

/** The merchant columns every query reads: never the key hash. */
export const MERCHANT_COLUMNS = 'id, name, role, created_at, revoked_at';

export function toMerchant(row: MerchantRow): MerchantRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    createdAt: row.created_at,
    ...(row.revoked_at ? { revokedAt: row.revoked_at } : {}),
  };
}

export interface MessageRow {
  id: string;
  merchant_id: string;
  message_json: string;
  status: MessageStatus;
  target_json: string | null;
}

export interface MessageCountsRow {
  message_json: string;
  merchant_id: string;
  recipients: number;
  push_targets: number;
  pushed: number;
  push_failed: number;
  push_skipped: number;
}

/** A stored message whose text does not read back as a message (a damaged row: see readStoredMessage). */
export class DamagedMessageError extends Error {
  override readonly name = 'DamagedMessageError';
}

/** The stored message; throws DamagedMessageError when its text does not read back. */
export function toStoredMessage(row: MessageCountsRow): StoredMessage {
  const message = readStoredMessage(row.message_json);
  if (!message) throw new DamagedMessageError('a stored message text does not read back as a message');
  return {
    message,
    merchantId: row.merchant_id,
    recipients: row.recipients,
    push: { targets: row.push_targets, pushed: row.pushed, failed: row.push_failed, skipped: row.push_skipped },
  };
}

/**
 * A stored message as the stored-message schema reads it, or undefined when
 * it cannot be read (stored by an older version with looser rules). Callers
 * that work through many rows in one transaction, like the scheduler, set
 * such a row aside instead of letting it fail everyone's batch.
 */
export function readStoredMessage(json: string): Message | undefined {
  try {
    const parsed = messageSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export interface ScheduleRow {
  message_id: string;
  due_at: number;
  cron: string | null;
  tz: string | null;
  occurrences: number;
}

export function toScheduledSummary(row: MessageRow & ScheduleRow): ScheduledSummary {
  return {
    id: row.id,
    // Untitled when its stored text is damaged, as in the full listing (see untitled).
    title: readStoredMessage(row.message_json)?.title ?? '',
    dueAt: row.due_at,
    cron: row.cron,
    tz: row.tz,
    occurrences: row.occurrences,
    target: JSON.parse(row.target_json!) as Recipients,
  };
}

/**
 * Every message still waiting, as `s`: its schedule, or (issue 15) the earliest pending zone of a
 * local-time message, listed with tz "recipient". Same SQL in both stores.
 */
export const PENDING_SCHEDULES = `(
         SELECT message_id, due_at, cron, tz, occurrences FROM schedules
         UNION ALL
         SELECT message_id, MIN(due_at), MIN(cron), '${RECIPIENT_ZONE}', MAX(occurrences) FROM local_time_zones
         WHERE due_at IS NOT NULL GROUP BY message_id
       ) s`;

/** The columns listSent reads, in both stores; `read` is counted per row from message_states. */
export const SENT_SUMMARY_COLUMNS =
  'm.id, m.message_json, m.status, m.target_json, m.recipients, m.delivered_live, m.push_targets, m.pushed, m.push_failed, m.push_skipped, m.created_at, m.category';

export interface SentSummaryRow extends Omit<MessageCountsRow, 'merchant_id'> {
  id: string;
  status: MessageStatus;
  target_json: string | null;
  delivered_live: number;
  read: number;
  created_at: string;
  category: string | null;
}

export function toSentSummary(row: SentSummaryRow): SentSummary {
  return {
    id: row.id,
    status: row.status,
    message: readStoredMessage(row.message_json) ?? untitled(row),
    target: row.target_json ? (JSON.parse(row.target_json) as Recipients) : undefined,
    recipients: row.recipients,
    deliveredLive: row.delivered_live,
    push: { targets: row.push_targets, pushed: row.pushed, failed: row.push_failed, skipped: row.push_skipped },
    read: Number(row.read),
  };
}

/**
 * A listed message whose stored text is damaged (see readStoredMessage): listed untitled, from its
 * row's own columns (the category the migration set to 'unknown' when the text could not be read),
 * so one damaged row does not fail every page of the merchant's list that holds it.
 */
function untitled(row: SentSummaryRow): Message {
  return { id: row.id, type: 'system', category: row.category ?? 'unknown', priority: PRIORITY.default, title: '', createdAt: row.created_at };
}

export interface StatusRow {
  status: MessageStatus;
  target_json: string | null;
  delivered_live: number;
}

export function toStatusRecord(
  row: StatusRow,
  schedule: Omit<ScheduleRow, 'message_id'> | undefined,
  read: number,
): MessageStatusRecord {
  return {
    status: row.status,
    target: row.target_json ? (JSON.parse(row.target_json) as Recipients) : undefined,
    deliveredLive: row.delivered_live,
    schedule: schedule && { dueAt: schedule.due_at, cron: schedule.cron, tz: schedule.tz, occurrences: schedule.occurrences },
    read,
  };
}

export interface SubscriptionRow {
  endpoint: string;
  user_id: string;
  p256dh: string;
  auth: string;
  expiration_time: number | null;
  created_at: string;
  updated_at: string;
}

export function toSubscription(row: SubscriptionRow): PushSubscriptionRecord {
  return {
    endpoint: row.endpoint,
    userId: row.user_id,
    p256dh: row.p256dh,
    auth: row.auth,
    expirationTime: row.expiration_time,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface LeasedJobRow {
  id: number;
  message_id: string;
  user_id: string;
  endpoint: string;
  attempts: number;
  summary_json: string | null;
}

/** Pairs leased push jobs with their subscriptions (by endpoint); a job whose device is no longer its shopper's is an orphan. */
export function toClaimedJobs(
  leased: readonly LeasedJobRow[],
  subscriptions: ReadonlyMap<string, PushSubscriptionRecord>,
): { claimed: ClaimedPushJob[]; orphans: PushJobOutcome[] } {
  const claimed: ClaimedPushJob[] = [];
  const orphans: PushJobOutcome[] = [];
  for (const job of leased) {
    const subscription = subscriptions.get(job.endpoint);
    // Unsubscribed, or the device now belongs to another shopper: this push is not theirs.
    if (!subscription || subscription.userId !== job.user_id) orphans.push({ id: job.id, kind: 'skipped' });
    else {
      const claimedJob: ClaimedPushJob = { id: job.id, messageId: job.message_id, attempts: job.attempts, subscription };
      // Written by the held push releaser (see held-push-store.ts SummaryRetry).
      if (job.summary_json !== null) claimedJob.summary = readHeldSummary(job.summary_json, job.message_id);
      claimed.push(claimedJob);
    }
  }
  return { claimed, orphans };
}

export interface ReadEventRow {
  seq: number;
  kind: string;
  message_id: string | null;
  message_json: string | null;
  payload_json: string | null;
}

/** How many recently read messages keep their text and parsed object (a few hundred KiB for typical messages). */
const SHARED_MESSAGES = 512;
const sharedMessages = new Map<string, { text: string; message: Message }>();

/**
 * A stored message's text, parsed, or undefined when the row is damaged: not
 * JSON (truncated, edited by hand, a disk fault), or not the object of this
 * message id. A broadcast is one stored text that each recipient's log
 * points to. Read back by thousands of resuming shoppers, it is parsed once
 * and the object shared, as the live path shares one object per broadcast,
 * so event-frame.ts serialises it once too. Kept by message id with the text
 * it was parsed from, so a corrected message is parsed again, never served
 * stale. Callers must not mutate what they read (none does).
 */
function sharedMessage(messageId: string, text: string): Message | undefined {
  const shared = sharedMessages.get(messageId);
  if (shared?.text === text) return shared.message;
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof message !== 'object' || message === null || (message as { id?: unknown }).id !== messageId) return undefined;
  if (sharedMessages.size >= SHARED_MESSAGES && !shared) sharedMessages.delete(sharedMessages.keys().next().value!);
  sharedMessages.set(messageId, { text, message: message as Message });
  return message as Message;
}

export function toEvent(row: ReadEventRow): SyncEvent {
  if (row.kind === 'message') {
    const message = row.message_id !== null && row.message_json !== null ? sharedMessage(row.message_id, row.message_json) : undefined;
    return message ? { seq: row.seq, kind: 'message', message } : unavailable(row);
  }
  // Other kinds carry their body in payload_json, written by the store from a typed event.
  if ((row.kind === 'state' || row.kind === 'preferences' || row.kind === 'retracted') && row.payload_json !== null) {
    try {
      const payload: unknown = JSON.parse(row.payload_json);
      if (typeof payload === 'object' && payload !== null) return { seq: row.seq, kind: row.kind, ...payload } as SyncEvent;
    } catch {
      // Damaged: read as unavailable below.
    }
  }
  return unavailable(row);
}

/**
 * A row that cannot be read back as its event still holds its seq: a client is
 * told so and moves past it, rather than getting a frame it cannot parse, or
 * an error for every page of /me/sync, and asking for it again forever.
 */
function unavailable(row: ReadEventRow): SyncEvent {
  return { seq: row.seq, kind: 'unavailable', eventKind: row.kind, ...(row.message_id !== null ? { messageId: row.message_id } : {}) };
}

/**
 * The same row as an array, in the order of ReadEventRow's columns. A replay in a reconnect storm
 * reads a million rows, and a driver builds an array for a row in about two thirds of the time it
 * takes to build an object with named columns.
 */
export type ReadEventTuple = [seq: number, kind: string, messageId: string | null, messageJson: string | null, payloadJson: string | null];

/**
 * The row as a replay reads it: a message's stored text is kept as it is, to be spliced into the
 * frame. Only text that parses goes in, or one damaged row would make a frame no client can
 * read; what is known to parse (the same text as the last time its message was read) is not
 * parsed again, so a broadcast replayed to thousands of shoppers is parsed once.
 */
export function toStoredEvent([seq, kind, messageId, messageJson, payloadJson]: ReadEventTuple): StoredEvent {
  if (kind === 'message' && messageJson !== null && messageId !== null && sharedMessage(messageId, messageJson)) {
    return { seq, kind, messageId, messageJson };
  }
  return toEvent({ seq, kind, message_id: messageId, message_json: messageJson, payload_json: payloadJson }) as StoredEvent;
}

/** A flag column: PostgreSQL keeps a boolean, SQLite 0 or 1; null until the field was first set. */
type Flag = boolean | number | null;

export interface StateRow {
  read: Flag;
  read_at: string | null;
  archived: Flag;
  archived_at: string | null;
  deleted: Flag;
  deleted_at: string | null;
}

const isSet = (flag: Flag): boolean => flag === true || flag === 1;

export function toState(row: StateRow): MessageState {
  const state: MessageState = {};
  if (row.read_at !== null) state.read = { value: isSet(row.read), at: row.read_at };
  if (row.archived_at !== null) state.archived = { value: isSet(row.archived), at: row.archived_at };
  if (row.deleted_at !== null) state.deleted = { value: isSet(row.deleted), at: row.deleted_at };
  return state;
}

/**
 * The six state columns (read, read_at, archived, archived_at, deleted,
 * deleted_at) for a write, each flag in the store's own encoding.
 */
export function stateColumns<F>(state: MessageState, encode: (value: boolean) => F): (F | string | null)[] {
  return (['read', 'archived', 'deleted'] as const satisfies readonly StateField[]).flatMap((field) => {
    const value = state[field];
    return value ? [encode(value.value), value.at] : [null, null];
  });
}
