import type { Logger } from 'pino';
import type { Message } from '../../shared/message.schema.js';
import type { Metrics } from '../metrics.js';
import { digestHoldKey, QUIET_HOURS_HOLD, type DigestSpec, type HeldSummary } from '../store/held-push-store.js';
import type { ClaimedPushJob, PushJobOutcome, Store } from '../store/store.js';
import { DEFAULT_TTL_SECONDS, pushOptionsFor, topicOf } from './push-options.js';
import { buildPushPayload, buildRetractionPayload } from './push-payload.js';
import { decideSummary, readableMessage, summaryPush } from './held-summary.js';
import type { PushResult, PushTarget } from './push-sender.js';
import type { PushOptions } from './push-options.js';
import { LoopWorker } from '../scheduler/background-loop.js';
import { DEFAULT_RETRY_POLICY, retryDueAt, type RetryPolicy } from './retry-policy.js';

/**
 * Decides, at send time, whether to wake a shopper's device for a message
 * (the shopper's preferences: see preference-push-policy.ts). A refused push
 * counts as skipped; one held for a summary too (see held-push-store.ts).
 */
/**
 * Push now, or not: then `heldUntil` is when it goes out after all, as part of
 * a summary (quiet hours the shopper defers end then), or absent: never.
 */
export type PushDecision = { push: true } | { push: false; heldUntil?: number };

export const PUSH_NOW: PushDecision = { push: true };

export interface PushPolicy {
  decide(userId: string, message: Message): Promise<PushDecision>;
}

/** The sending half, as the worker sees it (PushSender, or a fake in unit tests). */
export interface PushTransport {
  send(target: PushTarget, plaintext: string, options: PushOptions): Promise<PushResult>;
}

export interface PushWorkerOptions {
  store: Store;
  transport: PushTransport;
  logger: Logger;
  metrics?: Metrics;
  /** Pushes in flight at once. */
  concurrency: number;
  /** How long a claimed job is ours; must comfortably exceed one send. */
  leaseMs: number;
  /** How often to look for due jobs without being woken (retries, other instances' messages). */
  pollMs?: number;
  retry?: RetryPolicy;
  policy?: PushPolicy;
  now?: () => number;
  /** The clock of digest windows and quiet hours (the lifecycle's, which tests move); defaults to `now`. */
  holdNow?: () => number;
  /** Told when a push was held, so the releaser can sleep until the hold's due time. */
  onHeld?: () => void;
  /** Told after outcomes were stored, which may have recorded `message.delivered` or `message.failed` events. */
  outbox?: { wake(): void };
}

interface Prepared {
  /** Undefined for a retracted message whose stored text is damaged: its retraction needs the id alone. */
  message: Message | undefined;
  plaintext: string;
  /** A retracted message's jobs carry the retraction, not the content. */
  retracted: boolean;
  /** Sent with a digest: its pushes are held and summarised (see held-push-store.ts). */
  digest?: DigestSpec;
  /** The Topic header, hashed once per message rather than once per push. */
  topic: string | undefined;
}

const MESSAGE_CACHE_SIZE = 256;
const FLUSH_DELAY_MS = 5;

/**
 * Drains the durable push queue. Claims due jobs in batches under a lease,
 * sends them with bounded concurrency, and settles outcomes in group commits.
 *
 * Delivery is at least once: a job is deleted only after the push service
 * answered 2xx *and* the settle committed. The one window for a repeat is a
 * crash between those two (at most FLUSH_DELAY_MS plus one commit); a crash
 * anywhere else either repeats nothing or resends a push the service never
 * accepted. A slot stays taken until its outcome is committed, so at most
 * `concurrency` pushes can ever be repeated by one crash.
 */
export class PushWorker extends LoopWorker {
  private readonly now: () => number;
  private readonly retry: RetryPolicy;
  private readonly pollMs: number;
  private readonly batchMin: number;
  private readonly messages = new Map<string, Prepared>();
  private readonly pending: PushJobOutcome[] = [];
  private inFlight = 0;
  /** Claimed and not yet settled: in flight, or sent and waiting for the settle commit. */
  private unsettled = 0;
  private stopping = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private retryTimer: NodeJS.Timeout | undefined;
  private retryAt = Infinity;
  private readonly idle = new Set<() => void>();

  constructor(private readonly options: PushWorkerOptions) {
    super('push worker', options.logger);
    this.now = options.now ?? Date.now;
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.pollMs = options.pollMs ?? 1_000;
    // Claiming only when half the slots are free keeps claims (each a commit) in batches.
    this.batchMin = Math.max(1, Math.floor(options.concurrency / 2));
  }

  /** The message was corrected or retracted: build its payload afresh for the next job. */
  forget(messageId: string): void {
    this.messages.delete(messageId);
  }

  /** Stops claiming, lets sends in flight finish (up to `graceMs`) and commits their outcomes. */
  override async stop(graceMs = 5_000): Promise<void> {
    this.stopping = true;
    clearTimeout(this.retryTimer);
    await super.stop();
    if (this.inFlight > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.idle.add(resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
      ]);
      clearTimeout(timer);
    }
    clearTimeout(this.flushTimer);
    await this.flushNow();
  }

  /** Claims as many due jobs as there are free slots; waits for a wake or the poll when there is nothing to do. */
  protected async step(): Promise<number> {
    const free = this.options.concurrency - this.unsettled;
    if (free < this.batchMin) return this.pollMs;
    let jobs: ClaimedPushJob[] = [];
    try {
      jobs = await this.options.store.claimPushJobs(this.now(), this.options.leaseMs, free);
    } catch (err) {
      this.options.logger.error({ err }, 'claiming push jobs failed; retrying at the next poll');
    }
    for (const job of jobs) void this.dispatch(job);
    // A full batch means more may be due: go again as soon as slots free up.
    return jobs.length < free ? this.pollMs : 0;
  }

  private async dispatch(job: ClaimedPushJob): Promise<void> {
    this.inFlight++;
    this.unsettled++;
    let outcome: PushJobOutcome;
    try {
      outcome = await this.process(job);
    } catch (err) {
      this.options.logger.warn({ err, messageId: job.messageId }, 'push failed unexpectedly; will retry');
      outcome = this.retryOutcome(job, { kind: 'retry', reason: String(err) });
    }
    this.options.metrics?.pushOutcomes.inc({ outcome: outcome.kind });
    this.pending.push(outcome);
    this.scheduleFlush();
    this.inFlight--;
    if (this.inFlight === 0) for (const resolve of this.idle) resolve();
  }

  private async process(job: ClaimedPushJob): Promise<PushJobOutcome> {
    if (job.summary) return this.resendSummary(job, job.summary);
    // Most jobs find their message cached: no await (and its microtask hops) for those.
    const prepared = this.messages.get(job.messageId) ?? (await this.prepare(job.messageId));
    const now = this.now();
    const { subscription } = job;
    if (!prepared) return { id: job.id, kind: 'skipped' };
    const { message, plaintext, retracted, topic } = prepared;
    if (!retracted && message?.expiresAt && Date.parse(message.expiresAt) <= now) return { id: job.id, kind: 'skipped' };
    if (subscription.expirationTime !== null && subscription.expirationTime <= now) {
      return { id: job.id, kind: 'gone', endpoint: subscription.endpoint };
    }
    // A retraction only removes what a push put there, so preferences never hold it back.
    // Without a policy or a digest nothing can hold a push back: no need to ask.
    const mayHold = this.options.policy !== undefined || prepared.digest !== undefined;
    if (!retracted && mayHold && message && (await this.heldBack(subscription.userId, message, prepared.digest))) {
      return { id: job.id, kind: 'skipped' };
    }
    const options = message ? pushOptionsFor(message, now, topic) : { ttl: DEFAULT_TTL_SECONDS, urgency: 'normal' as const };
    const result = await this.options.transport.send(subscription, plaintext, options);
    return this.outcomeOf(job, result, message);
  }

  /**
   * A held push summary a push service asked to retry (held-push-releaser.ts), decided again as at
   * its release (held-summary.ts): what the shopper muted since is left out or the summary dropped,
   * and deferred quiet hours it now falls in postpone it to their end, for this device alone.
   */
  private async resendSummary(job: ClaimedPushJob, held: HeldSummary): Promise<PushJobOutcome> {
    const decision = await decideSummary(this.options.store, this.options.policy, job.subscription.userId, held);
    if (decision.kind === 'drop') return { id: job.id, kind: 'skipped' };
    if (decision.kind === 'hold') {
      // `until` is on the holds' clock; the queue keeps this one: the same wait from now.
      const dueAt = this.now() + Math.max(0, decision.until - (this.options.holdNow ?? this.now)());
      this.scheduleRetryWake(dueAt);
      return { id: job.id, kind: 'postponed', dueAt };
    }
    const { plaintext, options } = summaryPush(decision, this.now());
    return this.outcomeOf(job, await this.options.transport.send(job.subscription, plaintext, options), decision.newest);
  }

  private outcomeOf(job: ClaimedPushJob, result: PushResult, message: Message | undefined): PushJobOutcome {
    switch (result.kind) {
      case 'delivered':
        return { id: job.id, kind: 'pushed' };
      case 'gone':
        return { id: job.id, kind: 'gone', endpoint: job.subscription.endpoint };
      case 'rejected':
        this.options.logger.warn({ status: result.status, reason: result.reason, messageId: job.messageId }, 'push refused');
        return { id: job.id, kind: 'failed' };
      case 'retry':
        return this.retryOutcome(job, result, message);
    }
  }

  /**
   * True when the push is not sent now: refused by the policy, or held for a
   * summary (a digest, or quiet hours the shopper defers). A digest comes
   * first, so its count is right; the releaser defers the summary in turn if
   * it falls due in deferred quiet hours.
   */
  private async heldBack(userId: string, message: Message, digest: DigestSpec | undefined): Promise<boolean> {
    const decision = this.options.policy ? await this.options.policy.decide(userId, message) : PUSH_NOW;
    const deferredUntil = decision.push ? undefined : decision.heldUntil;
    if (!decision.push && deferredUntil === undefined) return true;
    if (!digest && deferredUntil === undefined) return false;
    const now = (this.options.holdNow ?? this.now)();
    // The window starts when the first message was sent, not when its push job got its turn.
    const messageAt = Math.max(Date.parse(message.createdAt), message.deliverAt ? Date.parse(message.deliverAt) : 0);
    const hold = digest
      ? { holdKey: digestHoldKey(digest.key), dueAt: messageAt + digest.windowMs, title: digest.title }
      : { holdKey: QUIET_HOURS_HOLD, dueAt: deferredUntil!, title: null };
    await this.options.store.lifecycle.heldPushes.hold({ userId, messageId: message.id, messageAt, now, ...hold });
    this.options.onHeld?.();
    return true;
  }

  private retryOutcome(job: ClaimedPushJob, result: PushResult & { kind: 'retry' }, message?: Message): PushJobOutcome {
    const attempt = job.attempts + 1;
    const dueAt = retryDueAt(this.retry, attempt, result.retryAfterMs, this.now());
    if (dueAt === undefined) {
      this.options.logger.warn({ reason: result.reason, messageId: job.messageId, attempt }, 'push given up');
      return { id: job.id, kind: 'failed' };
    }
    if (message?.expiresAt && Date.parse(message.expiresAt) <= dueAt) return { id: job.id, kind: 'skipped' };
    this.scheduleRetryWake(dueAt);
    return { id: job.id, kind: 'retry', dueAt };
  }

  /** One timer for the earliest retry this worker scheduled, so short retries do not wait for a poll. */
  private scheduleRetryWake(dueAt: number): void {
    if (dueAt >= this.retryAt || this.stopping) return;
    clearTimeout(this.retryTimer);
    this.retryAt = dueAt;
    this.retryTimer = setTimeout(() => {
      this.retryAt = Infinity;
      this.wake();
    }, Math.max(0, dueAt - this.now()));
    this.retryTimer.unref();
  }

  /** Messages are immutable, so the payload is built once per message, not once per subscription. */
  /** Reads and prepares a message its caller did not find in the cache, and caches it. */
  private async prepare(messageId: string): Promise<Prepared | undefined> {
    // Gone, or its stored text damaged: nothing to push, but a retraction, which needs the id alone.
    const stored = await readableMessage(this.options.store, messageId);
    // The status alone: getStatus would also parse the recipient list, for a broadcast tens of
    // milliseconds during which nothing is sent and the encryption threads idle.
    const retracted = (await this.options.store.lifecycle.statusOf(messageId)) === 'retracted';
    if (!stored && !retracted) return undefined;
    const message = stored?.message;
    const plaintext = retracted || !message ? buildRetractionPayload(messageId) : buildPushPayload(message);
    const digest = retracted ? undefined : await this.options.store.lifecycle.heldPushes.digestOf(messageId);
    const topic = message?.collapseKey ? topicOf(message.collapseKey) : undefined;
    const prepared: Prepared = { message, plaintext, retracted, topic, ...(digest ? { digest } : {}) };
    if (this.messages.size >= MESSAGE_CACHE_SIZE) this.messages.delete(this.messages.keys().next().value!);
    this.messages.set(messageId, prepared);
    return prepared;
  }

  /**
   * Group commit: outcomes gather for up to FLUSH_DELAY_MS (or until half the
   * slots' worth are waiting) and share one transaction. The delay is the
   * at-least-once window: a crash inside it resends those pushes.
   */
  private scheduleFlush(): void {
    if (this.pending.length >= this.batchMin) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
      void this.flushNow();
      return;
    }
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      void this.flushNow();
    }, FLUSH_DELAY_MS);
  }

  private flushNow(): Promise<void> {
    this.flushing = this.flushing.then(() => this.settlePending());
    return this.flushing;
  }

  /** One settle commit for every outcome waiting; a named step, so profiles show it as the settle. */
  private async settlePending(): Promise<void> {
    const batch = this.pending.splice(0);
    if (batch.length === 0) return;
    try {
      await this.options.store.settlePushJobs(batch);
      this.options.outbox?.wake();
    } catch (err) {
      // The leases run out and the jobs are sent again: a repeat, never a loss.
      this.options.logger.error({ err, jobs: batch.length }, 'recording push outcomes failed');
    }
    this.unsettled -= batch.length;
    if (this.options.concurrency - this.unsettled >= this.batchMin) this.wake();
  }
}
