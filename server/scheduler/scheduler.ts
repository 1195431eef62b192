import type { Logger } from 'pino';
import type { Bus } from '../bus/bus.js';
import { IDEMPOTENCY_RETENTION_MS } from '../services/idempotency.js';
import { publishCommitted } from '../services/publish.js';
import type { Store } from '../store/store.js';
import { LoopWorker } from './background-loop.js';
import { nextOccurrence } from '../../shared/recurrence.js';

export interface SchedulerOptions {
  store: Store;
  bus: Bus;
  logger: Logger;
  pushQueue: { wake(): void };
  fanOut: { wake(): void };
  /** Longest sleep: bounds how late a message scheduled by another instance goes out. */
  pollMs?: number;
  batchSize?: number;
  now?: () => number;
  /** Counts completed passes (the `tidings_scheduler_steps_total` metric). */
  steps?: { inc(): void };
}

const PURGE_EVERY_MS = 10 * 60_000;
/** A step delivers local-time zones to up to batchSize × this many recipients (1,000 by default: one user list's worth). */
const LOCAL_RECIPIENTS_PER_SCHEDULE = 10;

function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined ? a : Math.min(a, b);
}

/**
 * Delivers scheduled messages when due. Each step claims the due schedules
 * and delivers them in one transaction (PostgreSQL: SELECT … FOR UPDATE SKIP
 * LOCKED), so an occurrence is sent exactly once, by one instance, even when
 * the process is killed: either the transaction committed (sent, schedule
 * moved on) or it did not (still due, sent after restart). A message that
 * fell due while the server was down is due at start and goes out then; a
 * recurring one sends one occurrence for the whole outage, not one per
 * missed slot.
 */
export class Scheduler extends LoopWorker {
  private readonly now: () => number;
  private lastPurge = 0;

  constructor(private readonly options: SchedulerOptions) {
    super('scheduler', options.logger);
    this.now = options.now ?? Date.now;
  }

  protected override async step(): Promise<number> {
    const { store, bus, logger } = this.options;
    const batchSize = this.options.batchSize ?? 100;
    const pollMs = this.options.pollMs ?? 1_000;
    const now = this.now();
    if (now - this.lastPurge > PURGE_EVERY_MS) {
      this.lastPurge = now;
      await store.lifecycle.purgeIdempotencyKeys(now - IDEMPOTENCY_RETENTION_MS);
    }
    const result = await store.lifecycle.deliverDue(now, batchSize, nextOccurrence);
    if (result.delivered > 0) logger.debug({ delivered: result.delivered }, 'scheduled messages delivered');
    if (result.unreadable) logger.error({ messageIds: result.unreadable }, 'due messages could not be read; cancelled them');
    if (result.events.length > 0) this.options.pushQueue.wake();
    if (result.fanOutQueued) this.options.fanOut.wake();
    publishCommitted(bus, logger, result.events);
    // Zones of local-time messages (issue 15), through the same publish path.
    const local = await store.lifecycle.localTime.deliverDue(now, batchSize * LOCAL_RECIPIENTS_PER_SCHEDULE);
    if (local.unreadable) logger.error({ messageIds: local.unreadable }, 'local-time messages could not be read; cancelled them');
    if (local.events.length > 0) this.options.pushQueue.wake();
    publishCommitted(bus, logger, local.events);
    this.options.steps?.inc();
    if (result.delivered === batchSize || local.delivered === batchSize * LOCAL_RECIPIENTS_PER_SCHEDULE) return 0;
    const next = earliest(await store.lifecycle.nextDueAt(), await store.lifecycle.localTime.nextDueAt());
    return next === undefined ? pollMs : Math.max(0, Math.min(pollMs, next - this.now()));
  }
}
