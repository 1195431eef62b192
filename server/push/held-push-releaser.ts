import type { Logger } from 'pino';
import type { Message } from '../../shared/message.schema.js';
import { LoopWorker } from '../scheduler/background-loop.js';
import { isDigestHold, QUIET_HOURS_HOLD, type ClaimedHold, type SummaryRetry } from '../store/held-push-store.js';
import type { PushSummary, Store } from '../store/store.js';
import { summaryPushOptionsFor } from './push-options.js';
import { buildSummaryPayload, summaryTitle } from './push-payload.js';
import { PUSH_NOW, type PushPolicy, type PushTransport } from './push-worker.js';
import { DEFAULT_RETRY_POLICY, retryDueAt, type RetryPolicy } from './retry-policy.js';

export interface HeldPushReleaserOptions {
  store: Store;
  transport: PushTransport;
  logger: Logger;
  policy?: PushPolicy;
  /** The clock holds were made on (the lifecycle's). */
  now?: () => number;
  /** Longest sleep: bounds how late a hold made by another instance is released. */
  pollMs?: number;
  /** How long a claimed hold is ours; must comfortably exceed sending one summary to every device. */
  leaseMs?: number;
  batchSize?: number;
  /** The push queue's: a summary a push service asked to retry goes on there (see SummaryRetry). */
  retry?: RetryPolicy;
}

/**
 * Sends the summary of each due hold (a digest's window ended, or deferred
 * quiet hours did) to every device of its shopper, then removes what it
 * summarised. Claimed under a lease, so one instance sends it; a crash
 * before the release sends it again once the lease runs out (at least once,
 * never lost). A push service that asks for a retry does not hold back the
 * others' summaries: that device's summary goes on in the durable push queue
 * (queued with the release, in one transaction), retried like any push (backoff,
 * Retry-After, the attempt limit) and sent to that device alone.
 */
export class HeldPushReleaser extends LoopWorker {
  private readonly now: () => number;

  constructor(private readonly options: HeldPushReleaserOptions) {
    super('held push releaser', options.logger);
    this.now = options.now ?? Date.now;
  }

  protected async step(): Promise<number> {
    const pollMs = this.options.pollMs ?? 1_000;
    const batchSize = this.options.batchSize ?? 100;
    const holds = this.options.store.lifecycle.heldPushes;
    const claimed = await holds.claimDue(this.now(), this.options.leaseMs ?? 60_000, batchSize);
    for (const hold of claimed) {
      try {
        await this.release(hold);
      } catch (err) {
        // Left leased: due again when the lease runs out.
        this.options.logger.warn({ err, userId: hold.userId }, 'a held push summary failed; retrying when its lease ends');
      }
    }
    if (claimed.length === batchSize) return 0;
    const next = await holds.nextDueAt();
    return next === undefined ? pollMs : Math.max(0, Math.min(pollMs, next - this.now()));
  }

  private async release(hold: ClaimedHold): Promise<void> {
    const { store, policy } = this.options;
    const holds = store.lifecycle.heldPushes;
    const newest = await store.getMessage(hold.newestMessageId);
    const status = newest && (await store.lifecycle.statusOf(hold.newestMessageId));
    if (!newest || status === 'retracted') {
      await holds.release(hold);
      return;
    }
    const { message } = newest;
    // Quiet hours the shopper defers: a digest ending in them joins the quiet-hours hold; that hold waits on.
    const decision = policy ? await policy.decide(hold.userId, message) : PUSH_NOW;
    if (!decision.push && decision.heldUntil !== undefined) {
      if (isDigestHold(hold.holdKey)) await holds.moveTo(hold, QUIET_HOURS_HOLD, decision.heldUntil);
      else await holds.postpone(hold, decision.heldUntil);
      return;
    }
    // Silenced now (quiet hours not deferred, or a category muted since): dropped like any push, the inbox has them.
    if (!decision.push) {
      await holds.release(hold);
      return;
    }
    // Released with the retries queued in the same transaction: a crash before it sends the summary again, none is lost.
    await holds.release(hold, await this.sendSummary(hold, summaryOf(hold), message));
  }

  /** Sends the summary to each device of the shopper; returns the retries of those whose push service asked for one. */
  private async sendSummary(hold: ClaimedHold, summary: PushSummary, newest: Message): Promise<SummaryRetry[]> {
    const { store, transport, logger } = this.options;
    const plaintext = buildSummaryPayload(summary, newest);
    const options = summaryPushOptionsFor(newest, Date.now());
    const retries: SummaryRetry[] = [];
    for (const subscription of await store.listPushSubscriptions(hold.userId)) {
      const result = await transport.send(subscription, plaintext, options);
      if (result.kind === 'gone') await store.deletePushSubscription(hold.userId, subscription.endpoint);
      else if (result.kind === 'retry') {
        // On into the push queue for this device alone, as its first attempt; the push worker's clock is the real one.
        const dueAt = retryDueAt(this.options.retry ?? DEFAULT_RETRY_POLICY, 1, result.retryAfterMs, Date.now());
        if (dueAt !== undefined) retries.push({ endpoint: subscription.endpoint, summary, dueAt });
        else logger.warn({ userId: hold.userId, reason: result.reason }, 'a held push summary was given up');
      } else if (result.kind !== 'delivered') logger.warn({ userId: hold.userId, result: result.kind }, 'a held push summary was not accepted');
    }
    return retries;
  }
}

/** What the summary says: the merchant's digest title with the count, or the count alone for a localised one. */
function summaryOf(hold: ClaimedHold): PushSummary {
  const reason = isDigestHold(hold.holdKey) ? 'digest' : 'quiet-hours';
  return { reason, count: hold.count, ...(hold.title !== null ? { title: summaryTitle(hold.title, hold.count) } : {}) };
}
