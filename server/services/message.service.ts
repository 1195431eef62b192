import crypto from 'node:crypto';
import type { Logger } from 'pino';
import type { Message, SendMessageRequest, SendMessageResponse } from '../../shared/message.schema.js';
import type { Bus } from '../bus/bus.js';
import type { Metrics } from '../metrics.js';
import type { MerchantRecord, Store } from '../store/store.js';

export interface MessageServiceDeps {
  store: Store;
  bus: Bus;
  logger: Logger;
  metrics?: Metrics;
  /** Told after each commit so the push queue is drained now rather than at its next poll. */
  pushQueue?: { wake(): void };
  now?: () => Date;
}

/** Drops undefined fields so the stored JSON and the wire form are the same. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Accepting a message: store it durably with its events, then tell live connections. */
export class MessageService {
  private readonly now: () => Date;

  constructor(private readonly deps: MessageServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async send(merchant: MerchantRecord, request: SendMessageRequest): Promise<SendMessageResponse> {
    const { to, ...content } = request;
    const message: Message = compact({ ...content, id: crypto.randomUUID(), createdAt: this.now().toISOString() });
    const events = await this.deps.store.insertMessage(message, merchant.id, to.userIds);
    this.deps.metrics?.messagesAccepted.inc();
    this.deps.metrics?.eventsAppended.inc(events.length);
    this.deps.pushQueue?.wake();
    // Publishing after commit: a failure here costs latency, never a message,
    // because streams resume from the durable log.
    this.deps.bus.publish(events).catch((err: unknown) => {
      this.deps.logger.warn({ err, messageId: message.id }, 'live publish failed; clients will catch up from the log');
    });
    return { id: message.id, status: 'queued', recipients: events.length };
  }
}
