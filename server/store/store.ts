import type { MerchantRole } from '../../shared/merchant-key.schema.js';
import type { Message } from '../../shared/message.schema.js';
import type { SyncEvent } from '../../shared/event.schema.js';
import type { SummaryPushPayload } from '../../shared/push.schema.js';
import type { MessageLifecycleStore } from './message-lifecycle.js';
import type { MessageStateChange } from '../../shared/message-state.schema.js';
import type { MessageState } from '../../shared/message-state-merge.js';
import type { Preferences } from '../../shared/preferences.schema.js';
import type { WebhookStore } from '../webhooks/webhook-store.js';
import type { DeliveryStatsStore } from './delivery-stats-store.js';
import type { HeldSummary } from './held-push-store.js';

/** A merchant key's owner, as every request sees it (the key's hash stays in the store). */
export interface MerchantRecord {
  id: string;
  name: string;
  role: MerchantRole;
  createdAt: string;
  /** Set once revoked: the key then authenticates nothing, but its messages keep pointing here. */
  revokedAt?: string;
}

/** A merchant to create; `role` defaults to platform, as the migration made every older key. */
export type NewMerchant = Omit<MerchantRecord, 'role' | 'revokedAt'> & { role?: MerchantRole; keyHash: string };

export interface StoredMessage {
  message: Message;
  merchantId: string;
  recipients: number;
  push: PushCounts;
}

/** What became of a message's pushes; targets = pushed + failed + skipped + still pending. */
export interface PushCounts {
  /** Subscriptions of the recipients when the message was stored: one push job each. */
  targets: number;
  /** Accepted (2xx) by the push service. */
  pushed: number;
  /** Refused for good (4xx, subscription gone) or given up after retries. */
  failed: number;
  /** Not sent on purpose: expired first, subscription removed first, or suppressed by policy. */
  skipped: number;
}

export interface PushSubscriptionRecord {
  endpoint: string;
  userId: string;
  p256dh: string;
  auth: string;
  /** Epoch milliseconds, as the browser reported it, or null. */
  expirationTime: number | null;
  createdAt: string;
  updatedAt: string;
}

/** Saved (with the shopper's device count and how many were evicted), or refused: the endpoint is another shopper's. */
export type SavePushSubscriptionResult = { devices: number; evicted: number } | { conflict: 'held-by-another-shopper' };

/** What a held push summary says beside its newest message (see held-push-store.ts). */
export type PushSummary = Pick<SummaryPushPayload, 'reason' | 'count' | 'title'>;

/** A push job leased to one worker until `leaseUntil`; the subscription as it is now. */
export interface ClaimedPushJob {
  id: number;
  messageId: string;
  /** Attempts made before this one. */
  attempts: number;
  subscription: PushSubscriptionRecord;
  /**
   * Set on a held push summary being retried (`messageId` is its newest message): the job sends
   * the summary, and its outcome counts in no message's push figures.
   */
  summary?: HeldSummary;
}

/** How a claimed job ended; every kind but `retry` removes the job. */
export type PushJobOutcome =
  | { id: number; kind: 'pushed' }
  | { id: number; kind: 'failed' }
  | { id: number; kind: 'skipped' }
  /** The push service said 404/410: the subscription is dead and is deleted with the job. */
  | { id: number; kind: 'gone'; endpoint: string }
  | { id: number; kind: 'retry'; dueAt: number }
  /** Not tried: held back until `dueAt` (a summary retry falling in deferred quiet hours); the attempt is not counted. */
  | { id: number; kind: 'postponed'; dueAt: number };

/** An event appended for one shopper, as the bus carries it after commit. */
export interface AppendedEvent {
  userId: string;
  event: SyncEvent;
}

/** One change a device made to a message's state. */
/**
 * A log entry as read for a replay: a message event carries its message's id and stored
 * JSON text, unparsed, which the stream splices into the frame as it is (see
 * stream/event-frame.ts); any other kind is the parsed event.
 */
export type StoredEvent =
  | { seq: number; kind: 'message'; messageId: string; messageJson: string }
  | Exclude<SyncEvent, { kind: 'message' }>;

export interface MessageStateUpdate {
  messageId: string;
  state: MessageStateChange;
}

export interface MessageStatesResult {
  /** Changes that won at least one field. */
  applied: number;
  /** Changes that won nothing: stale, repeated, or for a message the shopper did not receive. */
  ignored: number;
  appended: AppendedEvent[];
}

export interface StoredPreferences {
  preferences: Preferences;
  changedAt: string;
}

/** The embedded store's write-ahead log and its checkpoint thread, as /metrics shows them. */
export interface WalStats {
  /** The WAL file's size now. */
  bytes: number;
  /** Checkpoints the thread has run, failed ones not included. */
  checkpoints: number;
  /** Checkpoints that failed. */
  checkpointFailures: number;
  /** Whether the latest checkpoint failed: the WAL then grows until one succeeds. */
  checkpointFailing: boolean;
  /** Whether the checkpoint thread is still running. */
  checkpointThreadUp: boolean;
}

/**
 * Everything the server keeps. Implementations: SQLite (embedded default);
 * PostgreSQL follows behind the same interface. All methods are async so a
 * networked store fits without changing callers; each write is one
 * transaction that is durable when the promise resolves.
 */
export interface Store {
  readonly kind: string;
  /** Scheduling, topics, idempotency, retraction, correction, replies (see message-lifecycle.ts). */
  readonly lifecycle: MessageLifecycleStore;
  close(): Promise<void>;
  /** Cheap round trip for /healthz. */
  ping(): Promise<void>;
  /** The write-ahead log that the store checkpoints itself, for /metrics; absent where the database server does that. */
  walStats?(): Promise<WalStats>;

  /** Returns the stored value, storing `value` first if the key is absent (first writer wins). */
  getOrInitSetting(key: string, value: string): Promise<string>;

  createMerchant(merchant: NewMerchant): Promise<void>;
  /** The key's merchant, revoked or not (the caller refuses a revoked one), or undefined. */
  findMerchantByKeyHash(keyHash: string): Promise<MerchantRecord | undefined>;
  /** Every merchant, revoked ones included, oldest first. */
  listMerchants(): Promise<MerchantRecord[]>;
  /**
   * Marks the merchant revoked at `at` (ISO 8601), keeping the first time if
   * it already was. Returns the merchant as it is afterwards, or undefined if
   * there is no such merchant.
   */
  revokeMerchant(id: string, at: string): Promise<MerchantRecord | undefined>;

  getMessage(id: string): Promise<StoredMessage | undefined>;
  /** The message if `userId` is one of its recipients; otherwise undefined, whether it exists or not. */
  getMessageForRecipient(id: string, userId: string): Promise<Message | undefined>;

  /**
   * Inserts or updates the subscription by endpoint, then removes that
   * shopper's least recently updated subscriptions beyond `maxPerUser`. One
   * transaction. An endpoint held by another shopper moves only when the
   * keys match the stored ones (proof the caller holds the browser's
   * subscription); otherwise nothing changes and the answer is a conflict.
   */
  savePushSubscription(
    subscription: Omit<PushSubscriptionRecord, 'createdAt' | 'updatedAt'>,
    now: string,
    maxPerUser: number,
  ): Promise<SavePushSubscriptionResult>;
  /** Deletes the subscription only if it belongs to `userId`; true when one was deleted. */
  deletePushSubscription(userId: string, endpoint: string): Promise<boolean>;
  listPushSubscriptions(userId: string): Promise<PushSubscriptionRecord[]>;

  /**
   * Leases up to `limit` due jobs (due_at <= now) until now + leaseMs, oldest
   * due first; concurrent callers never get the same job (PostgreSQL: FOR
   * UPDATE SKIP LOCKED). Jobs whose subscription was deleted or moved to
   * another shopper since queueing are settled as skipped instead of returned.
   */
  claimPushJobs(now: number, leaseMs: number, limit: number): Promise<ClaimedPushJob[]>;
  /**
   * Records outcomes and the message counts in one transaction. A job already
   * settled (e.g. by a worker whose lease ran out) is ignored, so counts never
   * go twice.
   */
  settlePushJobs(outcomes: readonly PushJobOutcome[]): Promise<void>;

  /** Events of one shopper with seq > afterSeq, oldest first. */
  readEvents(userId: string, afterSeq: number, limit: number): Promise<SyncEvent[]>;

  /** The same events as `readEvents`, a message event's message left as its stored JSON text (for the stream's replay). */
  readStoredEvents(userId: string, afterSeq: number, limit: number): Promise<StoredEvent[]>;

  /**
   * Applies read/archived/deleted changes of one shopper, per field last
   * writer wins (see shared/message-state-merge.ts), and appends one `state`
   * event carrying the winning fields for each change that won any, all in
   * one transaction. A change for a message the shopper did not receive
   * (someone else's, or none at all) is ignored like a losing one.
   * `at` values must already be normalised ISO 8601 UTC.
   */
  applyMessageStates(userId: string, changes: readonly MessageStateUpdate[]): Promise<MessageStatesResult>;
  /** The shopper's stored state of a message, or undefined when none was ever set (or it is not theirs). */
  getMessageState(userId: string, messageId: string): Promise<MessageState | undefined>;

  /** The shopper's preferences as last saved, or undefined if never saved. */
  getPreferences(userId: string): Promise<StoredPreferences | undefined>;
  /**
   * Saves the preferences if `changedAt` is later than the stored one (last
   * writer wins) and appends a `preferences` event, in one transaction.
   * Returns what is stored afterwards and the event, if one was appended.
   */
  savePreferences(userId: string, update: StoredPreferences): Promise<{ current: StoredPreferences; appended?: AppendedEvent }>;

  /** Issue 10: the event outbox and the merchants' webhook endpoints (see server/webhooks/webhook-store.ts). */
  readonly webhooks: WebhookStore;

  /** Issue 11: the merchant's delivery figures by day and category (see delivery-stats-store.ts). */
  readonly stats: DeliveryStatsStore;
}
