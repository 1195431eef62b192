import type { Logger } from 'pino';
import type { Store } from '../store/store.js';

/**
 * Counts `message` events written to live streams, per message, and adds
 * them to the store in one small transaction per interval rather than one
 * write per frame. What it counts: frames sent to a connection (replay after
 * reconnect included), so a shopper with two open devices counts twice.
 * Counts held in memory when the process dies are lost: this is a metric,
 * not a delivery guarantee (the log is that).
 *
 * Issue 10: each (message, shopper) pair reached is also handed to the event
 * outbox at the same flush, which records `message.delivered` once per pair.
 * So a live delivery's event is recorded up to one interval after the frame
 * was written, and lost with the counts if the process dies in between (the
 * push of the same message, if any, still records it).
 */
export class DeliveryCounter {
  private counts = new Map<string, number>();
  /** `${messageId}\n${userId}` reached since the last flush (ids hold no newline). */
  private reached = new Set<string>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    flushMs = 1_000,
    /** Told after a flush, which may have recorded `message.delivered` events. */
    private readonly outbox?: { wake(): void },
  ) {
    this.timer = setInterval(() => void this.flush(), flushMs);
    this.timer.unref();
  }

  count(messageId: string, userId: string): void {
    this.counts.set(messageId, (this.counts.get(messageId) ?? 0) + 1);
    this.reached.add(`${messageId}\n${userId}`);
  }

  async flush(): Promise<void> {
    if (this.counts.size === 0) return;
    const batch = this.counts;
    this.counts = new Map();
    try {
      await this.store.lifecycle.addDeliveredLive(batch);
    } catch (err) {
      this.logger.warn({ err, messages: batch.size }, 'could not record live delivery counts');
    }
    const pairs = [...this.reached].map((key) => {
      const [messageId, userId] = key.split('\n') as [string, string];
      return { messageId, userId };
    });
    this.reached = new Set();
    try {
      await this.store.webhooks.recordLiveDeliveries(pairs);
      this.outbox?.wake();
    } catch (err) {
      this.logger.warn({ err, pairs: pairs.length }, 'could not record message.delivered events of live deliveries');
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
