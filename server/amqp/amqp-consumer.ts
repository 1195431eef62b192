import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import { sendMessageRequestSchema } from '../../shared/message.schema.js';
import { bodyAsSentBy } from '../auth/seller-identity.js';
import { findMerchantByKey } from '../auth/merchant-keys.js';
import { authorizeMerchantKey } from '../http/authenticate.js';
import type { HttpError } from '../http/http-error.js';
import { validate } from '../http/validate.js';
import type { Metrics } from '../metrics.js';
import { idempotencyKeyOf } from '../services/idempotency.js';
import type { MessageService } from '../services/message.service.js';
import type { Store } from '../store/store.js';
import type { AmqpConnection } from './amqp-connection.js';
import { isPermanent, jsonBodyOf } from './amqp-message.js';

export type AmqpConsumerState = 'consuming' | 'connecting' | 'disabled';

export interface AmqpHealth {
  state: AmqpConsumerState;
  queue?: string;
  /** Messages ready in the queue at the last poll; null before the first. */
  lag?: number | null;
}

export interface AmqpConsumerOptions {
  connection: AmqpConnection;
  /** Declared durable, with `<queue>.dead` beside it. */
  queue: string;
  merchantKey: string;
  prefetch: number;
  store: Store;
  messages: MessageService;
  logger: Logger;
  metrics: Metrics;
  /** How long a transiently failed message is held before it goes back, so it does not spin. */
  requeueDelayMs?: number;
  /** How often the queue depth is read for /healthz and /metrics. */
  lagPollMs?: number;
}

export function deadLetterQueueOf(queue: string): string {
  return `${queue}.dead`;
}

/**
 * Takes `POST /api/v1/messages` bodies from a RabbitMQ queue and sends them as
 * the merchant whose key is configured, through the same checks and the same
 * MessageService as the HTTP route. A message is acked only once it is durably
 * stored (the HTTP route's 202 point); one that can never be accepted is moved
 * to `<queue>.dead` with its reason (publisher-confirmed before the ack); a
 * transient failure is handed back to the queue after a short delay.
 *
 * The AMQP `message_id` is the idempotency key, so a redelivery (after a crash
 * or a cut connection between store and ack) is sent once. A message without
 * one is accepted without that guarantee; the first is logged.
 */
export class AmqpConsumer {
  private channel: Channel | undefined;
  private confirms: ConfirmChannel | undefined;
  private consumerTag: string | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly held = new Map<NodeJS.Timeout, () => void>();
  private lag: number | null = null;
  private lagTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private warnedMissingId = false;
  private readonly requeueDelayMs: number;
  private readonly deadQueue: string;

  constructor(private readonly options: AmqpConsumerOptions) {
    this.requeueDelayMs = options.requeueDelayMs ?? 1000;
    this.deadQueue = deadLetterQueueOf(options.queue);
    options.connection.on('state', () => this.showState());
  }

  /** Refuses (throws, naming AMQP_MERCHANT_KEY) if the key is unknown or revoked; then consumes in the background. */
  async start(): Promise<void> {
    const merchant = await findMerchantByKey(this.options.store, this.options.merchantKey);
    if (!merchant || merchant.revokedAt) {
      throw new Error(`AMQP_MERCHANT_KEY: no ${merchant ? 'unrevoked ' : ''}merchant has this key (create one with \`npm run merchant-key\`)`);
    }
    this.showState();
    await this.options.connection.use((model) => this.setUp(model));
    this.options.connection.start();
    this.lagTimer = setInterval(() => void this.pollLag(), this.options.lagPollMs ?? 5000);
    this.lagTimer.unref();
  }

  health(): AmqpHealth {
    return { state: this.state(), queue: this.options.queue, lag: this.lag };
  }

  /** Stops taking messages, lets those being stored finish and ack, then closes the channels (the connection is its owner's). */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.lagTimer);
    const { channel, consumerTag } = this;
    if (channel && consumerTag) await channel.cancel(consumerTag).catch(() => undefined);
    await Promise.all([...this.inFlight]);
    for (const [timer, release] of this.held) {
      clearTimeout(timer);
      release();
    }
    this.held.clear();
    await this.channel?.close().catch(() => undefined);
    await this.confirms?.close().catch(() => undefined);
    this.channel = undefined;
    this.confirms = undefined;
  }

  private state(): AmqpConsumerState {
    return this.channel && this.consumerTag ? 'consuming' : 'connecting';
  }

  private showState(): void {
    const state = this.state();
    for (const s of ['consuming', 'connecting', 'disabled'] as const) this.options.metrics.amqpState.set({ state: s }, s === state ? 1 : 0);
  }

  private async setUp(model: ChannelModel): Promise<void> {
    if (this.stopping) return;
    const { queue, prefetch, connection } = this.options;
    this.consumerTag = undefined;
    const channel = await model.createChannel();
    const confirms = await model.createConfirmChannel();
    for (const ch of [channel, confirms]) {
      ch.on('error', () => undefined); // 'close' follows.
      // A channel closed under a live connection (a broker-side channel error) would leave us idle: start afresh.
      ch.once('close', () => {
        if (this.channel === channel) this.consumerTag = undefined;
        this.showState();
        // Checked a tick later: when the whole connection goes, its channels close first and the connection's own close follows.
        setImmediate(() => {
          if (!this.stopping && connection.connection === model) connection.recycle('AMQP channel closed');
        });
      });
    }
    await channel.assertQueue(queue, { durable: true });
    await channel.assertQueue(this.deadQueue, { durable: true });
    await channel.prefetch(prefetch);
    this.channel = channel;
    this.confirms = confirms;
    const { consumerTag } = await channel.consume(queue, (message) => {
      if (message) this.track(this.handle(channel, message));
    });
    this.consumerTag = consumerTag;
    this.showState();
    void this.pollLag();
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async handle(channel: Channel, message: ConsumeMessage): Promise<void> {
    const { metrics, logger } = this.options;
    try {
      await this.accept(message);
    } catch (err) {
      if (isPermanent(err)) {
        await this.deadLetter(channel, message, err);
        return;
      }
      logger.warn({ err, messageId: message.properties.messageId }, 'AMQP message not stored; requeued');
      this.requeue(channel, message);
      return;
    }
    // Counted only when the ack reached a live channel; otherwise the redelivery is counted (and replayed by message_id).
    if (settle(() => channel.ack(message))) metrics.amqpConsumed.inc();
  }

  /** Exactly what `POST /api/v1/messages` does, with the AMQP body and message_id. */
  private async accept(message: ConsumeMessage): Promise<void> {
    const { store, merchantKey, messages, logger } = this.options;
    const body = jsonBodyOf(message);
    const merchant = await authorizeMerchantKey(store, merchantKey, 'send-messages');
    const messageId = message.properties.messageId as string | undefined;
    const key = idempotencyKeyOf(messageId);
    if (key === undefined && !this.warnedMissingId) {
      this.warnedMissingId = true;
      logger.warn({ queue: this.options.queue }, 'AMQP message without message_id accepted; a redelivery of such a message is sent again (set message_id for exactly-once)');
    }
    const request = validate(sendMessageRequestSchema, bodyAsSentBy(merchant, body), 'message');
    await messages.send(merchant, request, key);
  }

  /** Publishes to `<queue>.dead` with the reason, waits for the broker's confirm, and only then acks the original. */
  private async deadLetter(channel: Channel, message: ConsumeMessage, err: HttpError): Promise<void> {
    const { metrics, logger } = this.options;
    const confirms = this.confirms;
    try {
      if (!confirms) throw new Error('no confirm channel');
      const { properties } = message;
      await new Promise<void>((resolve, reject) => {
        confirms.sendToQueue(
          this.deadQueue,
          message.content,
          {
            ...definedProperties(properties),
            persistent: true,
            headers: {
              ...(properties.headers ?? {}),
              'x-tidings-error-code': err.code,
              // Header tables are bounded; the message says what was wrong, not the whole body again.
              'x-tidings-error-message': err.message.slice(0, 1000),
              'x-tidings-original-queue': this.options.queue,
            },
          },
          (confirmErr) => (confirmErr ? reject(confirmErr instanceof Error ? confirmErr : new Error(String(confirmErr))) : resolve()),
        );
      });
    } catch (publishErr) {
      logger.warn({ err: publishErr }, 'AMQP dead-letter publish not confirmed; requeued');
      this.requeue(channel, message);
      return;
    }
    if (settle(() => channel.ack(message))) metrics.amqpDeadLettered.inc({ code: err.code });
    logger.info({ code: err.code, reason: err.message, messageId: message.properties.messageId }, 'AMQP message dead-lettered');
  }

  /** Holds the message (its prefetch slot too) for a moment, then hands it back, so a failing store is not hammered. */
  private requeue(channel: Channel, message: ConsumeMessage): void {
    this.options.metrics.amqpRequeued.inc();
    const release = () => settle(() => channel.nack(message, false, true));
    const timer = setTimeout(() => {
      this.held.delete(timer);
      release();
    }, this.stopping ? 0 : this.requeueDelayMs);
    this.held.set(timer, release);
  }

  private async pollLag(): Promise<void> {
    try {
      const channel = this.confirms;
      if (!channel) return;
      this.lag = (await channel.checkQueue(this.options.queue)).messageCount;
      this.options.metrics.amqpLag.set(this.lag);
    } catch {
      // The connection is going; the next poll after reconnecting answers.
    }
  }
}

/** An ack or nack on a channel that has since closed throws; the broker redelivers that message, and its message_id makes that harmless. */
function settle(action: () => void): boolean {
  try {
    action();
    return true;
  } catch {
    return false; // channel closed
  }
}

/**
 * The original message's properties as publish options (amqplib reports absent
 * ones as undefined). Not `expiration` (the dead letter must stay until someone
 * looks) nor `userId` (the broker refuses one that is not our own login).
 */
function definedProperties(properties: ConsumeMessage['properties']): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(properties).filter(([name, value]) => value !== undefined && name !== 'expiration' && name !== 'userId'),
  );
}
