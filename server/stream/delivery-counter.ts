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
  /**
   * Per message: frames written since the last flush, and the shoppers they reached. Keyed by
   * message first, so a broadcast's thousands of frames cost a lookup of one short key and a set
   * insert each, not a composed string per frame.
   */
  private pending = new Map<string, { frames: number; users: Set<string> }>();
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
    let entry = this.pending.get(messageId);
    if (!entry) this.pending.set(messageId, (entry = { frames: 0, users: new Set() }));
    entry.frames++;
    entry.users.add(userId);
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const taken = this.pending;
    this.pending = new Map();
    const batch = new Map<string, number>();
    const pairs: { messageId: string; userId: string }[] = [];
    for (const [messageId, { frames, users }] of taken) {
      batch.set(messageId, frames);
      for (const userId of users) pairs.push({ messageId, userId });
    }
    try {
      await this.store.lifecycle.addDeliveredLive(batch);
    } catch (err) {
      this.logger.warn({ err, messages: batch.size }, 'could not record live delivery counts');
    }
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
