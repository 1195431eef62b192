import type { Logger } from 'pino';
import type { Store } from '../store/store.js';

/**
 * Counts `message` events written to live streams, per message, and adds
 * them to the store in one small transaction per interval rather than one
 * write per frame. What it counts: frames sent to a connection (replay after
 * reconnect included), so a shopper with two open devices counts twice.
 * Counts held in memory when the process dies are lost: this is a metric,
 * not a delivery guarantee (the log is that).
 */
export class DeliveryCounter {
  private counts = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    flushMs = 1_000,
  ) {
    this.timer = setInterval(() => void this.flush(), flushMs);
    this.timer.unref();
  }

  count(messageId: string): void {
    this.counts.set(messageId, (this.counts.get(messageId) ?? 0) + 1);
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
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
