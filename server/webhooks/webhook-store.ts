import type { WebhookDelivery, WebhookEventType, WebhookSummary } from '../../shared/webhook.schema.js';

/** A registered endpoint with what the worker needs to sign and judge it. */
export interface WebhookRecord extends WebhookSummary {
  merchantId: string;
  /** `whsec_<base64>`; only the store and the signer see it after creation. */
  secret: string;
}

/** An event as the outbox holds it: the payload is stored as the exact bytes every attempt sends. */
export interface OutboxEvent {
  id: string;
  type: WebhookEventType;
  merchantId: string;
  /** JSON of `{ type, timestamp, data }` (shared/webhook.schema.ts). */
  payloadJson: string;
}

/**
 * Where a delivery goes: a webhook (its id) or an in-process sink, written
 * `sink:<name>` (e.g. `sink:amqp`), so one outbox feeds both.
 */
export type DeliveryTarget = string;
export const sinkTarget = (name: string): DeliveryTarget => `sink:${name}`;

/** One event × target leased to one worker until the lease runs out. */
export interface ClaimedDelivery {
  event: OutboxEvent;
  target: DeliveryTarget;
  /** Attempts made before this one. */
  attempts: number;
  /** Set for webhook targets (the endpoint as it is now). */
  webhook?: WebhookRecord & { failingSince?: number };
}

/** What an attempt left for the deliveries list. */
export interface AttemptRecord {
  at: string;
  responseStatus?: number;
  responseBody?: string;
  error?: string;
}

/** How a claimed delivery ended; only `retry` keeps it pending. */
export type DeliveryOutcome = {
  eventId: string;
  target: DeliveryTarget;
  /** The attempts count as claimed (before this attempt): a settle by a worker whose lease ran out changes nothing. */
  claimedAttempts: number;
  attempt: AttemptRecord;
} & (
  | { kind: 'delivered' }
  | { kind: 'retry'; dueAt: number }
  | { kind: 'failed' }
) & {
    /** Set to stop delivering to the webhook altogether (410 Gone, failing for days): the reason the merchant sees. */
    disableWebhook?: string;
  };

/** A fact to turn into an event; `dedupKey` makes "once per message per recipient" hold across retries and instances. */
export interface EventFact {
  type: WebhookEventType;
  messageId: string;
  userId?: string;
  dedupKey: string;
  data: Record<string, unknown>;
}

export interface NewWebhook {
  id: string;
  merchantId: string;
  url: string;
  secret: string;
  events: readonly WebhookEventType[];
  createdAt: string;
}

/**
 * The durable outbox of events for the shop and the webhook endpoints it
 * registered. Events of facts that are transactions (push settled, state
 * applied, reply stored) are recorded inside those transactions by the
 * stores; the methods here cover the rest and the delivery side.
 */
export interface WebhookStore {
  createWebhook(webhook: NewWebhook): Promise<void>;
  countWebhooks(merchantId: string): Promise<number>;
  /** A merchant's endpoints, oldest first (disabled ones included). */
  listWebhooks(merchantId: string): Promise<WebhookSummary[]>;
  /** Deletes the endpoint and its deliveries if it is the merchant's; true when one was deleted. */
  deleteWebhook(merchantId: string, id: string): Promise<boolean>;
  /** The endpoint's deliveries, newest event first, or undefined when it is not the merchant's. */
  listDeliveries(merchantId: string, webhookId: string, limit: number): Promise<WebhookDelivery[] | undefined>;

  /** Makes every event recorded from now on also go to these sinks (names as in `sinkTarget`). */
  registerSinks(names: readonly string[]): Promise<void>;

  /** `message.delivered` for (message, recipient) pairs reached live; once per pair, ever. */
  recordLiveDeliveries(pairs: readonly { messageId: string; userId: string }[]): Promise<number>;
  /**
   * Records `message.expired` for up to `limit` messages whose expiresAt is at
   * or before `now`, once each (PostgreSQL: SKIP LOCKED across instances).
   * Returns how many expiries were taken.
   */
  recordExpiries(now: number, limit: number): Promise<number>;

  /**
   * Leases up to `limit` pending deliveries due at `now` until now + leaseMs:
   * webhook targets whose endpoint is enabled, and the sinks named. Concurrent
   * callers never get the same delivery (PostgreSQL: FOR UPDATE SKIP LOCKED).
   */
  claimDeliveries(now: number, leaseMs: number, limit: number, sinks: readonly string[]): Promise<ClaimedDelivery[]>;
  settleDeliveries(outcomes: readonly DeliveryOutcome[], now: number): Promise<void>;
  /**
   * Deletes up to `limit` settled (delivered or failed) deliveries of events
   * recorded before `before`, then such events with no delivery left.
   * Returns how many rows went. Once an event is gone its fact could be told
   * again (e.g. a device that first connects months later).
   */
  pruneSettled(before: number, limit: number): Promise<number>;
}
