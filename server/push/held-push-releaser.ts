import type { Logger } from 'pino';
import { LoopWorker } from '../scheduler/background-loop.js';
import { heldSummaryOf, isDigestHold, QUIET_HOURS_HOLD, type ClaimedHold, type SummaryRetry } from '../store/held-push-store.js';
import type { Store } from '../store/store.js';
import { decideSummary, summaryPush, type SummaryDecision } from './held-summary.js';
import type { PushPolicy, PushTransport } from './push-worker.js';
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
 * summarised. What it says, or whether it waits or goes at all, follows the
 * shopper's preferences at release (held-summary.ts). Claimed under a lease,
 * so one instance sends it; a crash before the release sends it again once
 * the lease runs out (at least once, never lost). A push service that asks for a retry does not hold back the
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
    const holds = this.options.store.lifecycle.heldPushes;
    const decision = await decideSummary(this.options.store, this.options.policy, hold.userId, heldSummaryOf(hold));
    switch (decision.kind) {
      // Silenced now (muted since, quiet hours not deferred, all retracted): dropped like any push, the inbox has them.
      case 'drop':
        return holds.release(hold);
      // Quiet hours the shopper defers: a digest ending in them joins the quiet-hours hold; that hold waits on.
      case 'hold':
        if (isDigestHold(hold.holdKey)) return holds.moveTo(hold, QUIET_HOURS_HOLD, decision.until);
        return holds.postpone(hold, decision.until);
      // Released with the retries queued in the same transaction: a crash before it sends the summary again, none is lost.
      case 'send':
        return holds.release(hold, await this.sendSummary(hold.userId, decision));
    }
  }

  /** Sends the summary to each device of the shopper; returns the retries of those whose push service asked for one. */
  private async sendSummary(userId: string, decision: SummaryDecision & { kind: 'send' }): Promise<SummaryRetry[]> {
    const { store, transport, logger } = this.options;
    const { plaintext, options } = summaryPush(decision, Date.now());
    const retries: SummaryRetry[] = [];
    for (const subscription of await store.listPushSubscriptions(userId)) {
      const result = await transport.send(subscription, plaintext, options);
      if (result.kind === 'gone') await store.deletePushSubscription(userId, subscription.endpoint);
      else if (result.kind === 'retry') {
        // On into the push queue for this device alone, as its first attempt; the push worker's clock is the real one.
        // It is decided again when it goes (preferences may change meanwhile): held.messageIds, not the count.
        const dueAt = retryDueAt(this.options.retry ?? DEFAULT_RETRY_POLICY, 1, result.retryAfterMs, Date.now());
        if (dueAt !== undefined) retries.push({ endpoint: subscription.endpoint, summary: decision.held, dueAt });
        else logger.warn({ userId, reason: result.reason }, 'a held push summary was given up');
      } else if (result.kind !== 'delivered') logger.warn({ userId, result: result.kind }, 'a held push summary was not accepted');
    }
    return retries;
  }
}
