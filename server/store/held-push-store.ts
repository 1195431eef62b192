/**
 * Pushes held back for a shopper and released later as one summary
 * notification (issue 15): a digest's window, or quiet hours the shopper
 * asked to defer. The messages themselves were stored and synced at once;
 * only the lock-screen notification waits.
 *
 * One hold per (shopper, hold key) with its due time, and the messages it
 * gathered. The push worker adds to a hold instead of sending; the releaser
 * claims due holds under a lease (like push jobs), sends one summary to each
 * of the shopper's devices and removes what it summarised. A crash after the
 * claim leaves the hold due again once the lease runs out: a summary is sent
 * at least once, never lost.
 */

import type { SummaryPushPayload } from '../../shared/push.schema.js';

/** What a message's `digest` becomes in the store: the key is the merchant's own, prefixed by the merchant. */
export interface DigestSpec {
  key: string;
  windowMs: number;
  title: string | null;
}

/** Hold keys: one per digest key, and one for quiet hours. */
export const QUIET_HOURS_HOLD = 'quiet';
export function digestHoldKey(digestKey: string): string {
  return `digest:${digestKey}`;
}
export function isDigestHold(holdKey: string): boolean {
  return holdKey.startsWith('digest:');
}

export interface HoldInput {
  userId: string;
  holdKey: string;
  messageId: string;
  /** When the message was sent (epoch ms): the newest is the summary's target. */
  messageAt: number;
  /** When its push was held (epoch ms): a release covers what was held up to its claim. */
  now: number;
  /** Only for a new hold: a window starts at its first message. */
  dueAt: number;
  title: string | null;
}

/** A due hold, leased to one releaser until `now + leaseMs`. */
export interface ClaimedHold {
  userId: string;
  holdKey: string;
  title: string | null;
  /** Messages gathered up to the claim, newest first (never empty). */
  messageIds: string[];
  /** The claim's time: release removes the messages held up to it, no later one. */
  claimedAt: number;
}

/**
 * A held push summary before it is worded: what it summarises and why. Worded (count, title) at each
 * send from the messages the shopper's preferences still let through (see server/push/held-summary.ts).
 */
export interface HeldSummary {
  reason: SummaryPushPayload['reason'];
  /** The merchant's digest title, `{count}` not filled in; null: the service worker words it. */
  title: string | null;
  /** Newest first. */
  messageIds: string[];
}

export function heldSummaryOf(hold: ClaimedHold): HeldSummary {
  return { reason: isDigestHold(hold.holdKey) ? 'digest' : 'quiet-hours', title: hold.title, messageIds: hold.messageIds };
}

/**
 * A held summary as a retry job stores it (push_jobs.summary_json). One queued before summaries
 * kept their messages (a count and a worded title) stands for its newest message alone.
 */
export function readHeldSummary(json: string, newestMessageId: string): HeldSummary {
  const stored = JSON.parse(json) as HeldSummary | { reason: HeldSummary['reason']; title?: string };
  if ('messageIds' in stored) return stored;
  return { reason: stored.reason, title: stored.title ?? null, messageIds: [newestMessageId] };
}

/**
 * A summary a device's push service asked to retry: it goes on in the push
 * queue as a job for that device alone (message: the summary's newest), with
 * one attempt made, so the queue's backoff and attempt limit carry on.
 */
export interface SummaryRetry {
  endpoint: string;
  summary: HeldSummary;
  /** Epoch ms on the push queue's clock. */
  dueAt: number;
}

export interface HeldPushStore {
  /** The digest a message was sent with, or undefined. */
  digestOf(messageId: string): Promise<DigestSpec | undefined>;
  /**
   * Adds the message to the shopper's hold, opening it with `dueAt` if there
   * is none. A message already held there (a second device's push job) is
   * not counted again; a digested one counts once per recipient in `digested`.
   */
  hold(input: HoldInput): Promise<void>;
  /** Leases up to `limit` holds due at `now` (PostgreSQL: FOR UPDATE SKIP LOCKED). */
  claimDue(now: number, leaseMs: number, limit: number): Promise<ClaimedHold[]>;
  /**
   * Removes what the summary covered. Messages held after the claim stay,
   * due at once, so they get a summary of their own. In the same
   * transaction, queues a push job carrying the summary for each device
   * whose push service asked for a retry (see SummaryRetry).
   */
  release(hold: ClaimedHold, retries?: readonly SummaryRetry[]): Promise<void>;
  /** Keeps the hold for later (quiet hours still on): due at `dueAt`, unleased. */
  postpone(hold: ClaimedHold, dueAt: number): Promise<void>;
  /** Moves the hold's messages into another hold of the shopper (a digest ending in deferred quiet hours). */
  moveTo(hold: ClaimedHold, holdKey: string, dueAt: number): Promise<void>;
  /** Epoch ms of the earliest hold, so the releaser can sleep until then. */
  nextDueAt(): Promise<number | undefined>;
  /** Recipients whose push of this message went into a digest. */
  digested(messageId: string): Promise<number>;
}
