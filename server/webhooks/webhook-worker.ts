import type { Logger } from 'pino';
import { LoopWorker } from '../scheduler/background-loop.js';
import type { EventSink } from './event-sink.js';
import { DEFAULT_WEBHOOK_RETRY, nextDelayMs, type WebhookRetryPolicy } from './webhook-retry.js';
import type { AttemptResult, WebhookTransport } from './webhook-transport.js';
import type { AttemptRecord, ClaimedDelivery, DeliveryOutcome, WebhookStore } from './webhook-store.js';

export interface WebhookWorkerOptions {
  store: WebhookStore;
  transport: Pick<WebhookTransport, 'send'>;
  logger: Logger;
  sinks?: readonly EventSink[];
  retry?: WebhookRetryPolicy;
  /** Deliveries sent at once per step. */
  batchSize?: number;
  /** How long a claimed delivery is this worker's; well above the transport's timeout. */
  leaseMs?: number;
  /** Wait between polls when nothing is due. */
  pollMs?: number;
  /** Settled deliveries and their events are kept this long for the deliveries list (default 30 days). */
  retentionMs?: number;
  now?: () => number;
}

/**
 * Drains the event outbox: records `message.expired` for messages whose time
 * ran out, then claims due deliveries under a lease (so several instances
 * send each once), sends them to their webhook or sink, and settles each
 * with the next retry, success, or failure for good. At least once: a crash
 * between send and settle sends again when the lease runs out, with the same
 * `webhook-id`.
 */
export class WebhookWorker extends LoopWorker {
  private readonly retry: WebhookRetryPolicy;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly now: () => number;
  private readonly sinks: Map<string, EventSink>;
  private readonly retentionMs: number;
  private nextPruneAt = 0;

  constructor(private readonly options: WebhookWorkerOptions) {
    super('webhook worker', options.logger);
    this.retry = options.retry ?? DEFAULT_WEBHOOK_RETRY;
    this.batchSize = options.batchSize ?? 32;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.pollMs = options.pollMs ?? 1_000;
    this.now = options.now ?? Date.now;
    for (const sink of options.sinks ?? []) {
      // The name keys durable rows (`sink:<name>`): a typo would strand them.
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(sink.name)) throw new Error(`event sink name "${sink.name}": use 1-64 letters, digits, - or _`);
    }
    this.sinks = new Map((options.sinks ?? []).map((sink) => [sink.name, sink]));
    if (this.sinks.size !== (options.sinks ?? []).length) throw new Error('event sink names must be unique');
    this.retentionMs = options.retentionMs ?? 30 * 24 * 3600_000;
  }

  protected async step(): Promise<number> {
    const { store } = this.options;
    const expired = await store.recordExpiries(this.now(), 500);
    const claimed = await store.claimDeliveries(this.now(), this.leaseMs, this.batchSize, [...this.sinks.keys()]);
    if (claimed.length > 0) {
      const outcomes = await Promise.all(claimed.map((delivery) => this.attempt(delivery)));
      await store.settleDeliveries(outcomes, this.now());
    }
    const pruned = await this.prune();
    return claimed.length === this.batchSize || expired === 500 || pruned ? 0 : this.pollMs;
  }

  /** Old settled deliveries, in batches, about once a minute (at once again while there is more). */
  private async prune(): Promise<boolean> {
    const now = this.now();
    if (now < this.nextPruneAt) return false;
    const removed = await this.options.store.pruneSettled(now - this.retentionMs, 1000);
    if (removed < 1000) this.nextPruneAt = now + 60_000;
    return removed >= 1000;
  }

  private async attempt(delivery: ClaimedDelivery): Promise<DeliveryOutcome> {
    const result = await this.send(delivery);
    const attempt: AttemptRecord = {
      at: new Date(this.now()).toISOString(),
      // A sink has no HTTP answer to show.
      ...(delivery.webhook && result.status !== undefined ? { responseStatus: result.status } : {}),
      ...(delivery.webhook && result.body !== undefined ? { responseBody: result.body } : {}),
      ...(result.kind === 'failed' ? { error: result.error } : {}),
    };
    const base = { eventId: delivery.event.id, target: delivery.target, claimedAttempts: delivery.attempts, attempt };
    if (result.kind === 'delivered') return { ...base, kind: 'delivered' };
    if (result.kind === 'gone') {
      return { ...base, kind: 'failed', disableWebhook: `the endpoint answered ${result.status} Gone` };
    }
    const now = this.now();
    const failingSince = delivery.webhook?.failingSince ?? now;
    const disable =
      delivery.webhook && now - failingSince >= this.retry.disableAfterMs
        ? `failing without a success since ${new Date(failingSince).toISOString()}; last error: ${result.error}`
        : undefined;
    const delay = nextDelayMs(this.retry, delivery.attempts + 1, result.retryAfterMs);
    const outcome: DeliveryOutcome =
      delay === undefined || disable ? { ...base, kind: 'failed' } : { ...base, kind: 'retry', dueAt: now + delay };
    if (disable) outcome.disableWebhook = disable;
    this.options.logger.debug({ eventId: delivery.event.id, target: delivery.target, error: result.error }, 'event delivery failed');
    return outcome;
  }

  private async send(delivery: ClaimedDelivery): Promise<AttemptResult> {
    const { event, webhook } = delivery;
    if (webhook) {
      return this.options.transport.send({ url: webhook.url, secret: webhook.secret, eventId: event.id, body: event.payloadJson });
    }
    const sink = this.sinks.get(delivery.target.slice('sink:'.length));
    if (!sink) return { kind: 'failed', error: 'no such sink in this instance' };
    if (!sink.accepts(event)) return { kind: 'delivered', status: 0, body: '' };
    try {
      await sink.deliver(event);
      return { kind: 'delivered', status: 0, body: '' };
    } catch (err) {
      return { kind: 'failed', error: err instanceof Error ? err.message : String(err) };
    }
  }
}
