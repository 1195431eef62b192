import type { Logger } from 'pino';
import type { Bus } from '../bus/bus.js';
import { LoopWorker } from '../scheduler/background-loop.js';
import { publishCommitted } from '../services/publish.js';
import type { Store } from '../store/store.js';

const DEFAULT_BATCH = 4_000;

export interface FanOutWorkerOptions {
  store: Store;
  bus: Bus;
  logger: Logger;
  pushQueue: { wake(): void };
  /**
   * Subscribers' events appended per transaction, over as many queued broadcasts as fit (default
   * 4,000). Larger batches share a commit (one fsync) among more events and hand each stream
   * several frames per publication, which it writes at once; the price is a longer synchronous
   * transaction that other requests wait behind (on SQLite about 14 µs of SQL per event when the
   * batch ran three statements per subscriber, roughly 0.6× that since it runs three per batch).
   * Measured in bench/README.md (flash sale; topic storage, with --batch).
   */
  batchSize?: number;
  pollMs?: number;
  now?: () => number;
}

/**
 * Delivers topic broadcasts off the request path. Each step appends one
 * batch of subscribers (in user_id order, after the job's stored position)
 * and moves the position in the same transaction, so a crash resumes where
 * the last commit left off: no subscriber twice, none skipped. Each
 * shopper's seq is bumped as for a direct message, so logs stay gap-free.
 */
export class FanOutWorker extends LoopWorker {
  private readonly now: () => number;

  constructor(private readonly options: FanOutWorkerOptions) {
    super('fan-out', options.logger);
    this.now = options.now ?? Date.now;
  }

  protected override async step(): Promise<number> {
    const { store, bus, logger } = this.options;
    const result = await store.lifecycle.fanOutBatch(this.now(), this.options.batchSize ?? DEFAULT_BATCH);
    if (result.events.length > 0) this.options.pushQueue.wake();
    publishCommitted(bus, logger, result.events);
    return result.more ? 0 : (this.options.pollMs ?? 1_000);
  }
}
