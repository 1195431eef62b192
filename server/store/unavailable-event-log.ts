import type { Logger } from 'pino';
import type { SyncEvent } from '../../shared/event.schema.js';

export type UnavailableEvent = Extract<SyncEvent, { kind: 'unavailable' }>;

/** How many damaged rows are remembered as told; past that the oldest may be told again. */
const REMEMBERED = 10_000;

/**
 * Tells the operator of each damaged row of the log (see store-rows.ts
 * `unavailable`) once. A broadcast's one stored text sits in the log of every
 * recipient, and each of their replays and sync pages reads it: one error
 * naming the message, not one per read.
 */
export class UnavailableEventLog {
  private readonly told = new Set<string>();

  constructor(private readonly logger: Logger) {}

  report(userId: string, event: UnavailableEvent): void {
    const key = event.messageId ?? `${userId}:${event.seq}`;
    if (this.told.has(key)) return;
    if (this.told.size >= REMEMBERED) this.told.delete(this.told.values().next().value!);
    this.told.add(key);
    const what = event.messageId === undefined ? `event ${event.seq} of ${userId}` : `message ${event.messageId}`;
    this.logger.error(
      { messageId: event.messageId, userId, seq: event.seq, eventKind: event.eventKind },
      `stored ${what} cannot be read (a damaged row); shoppers are told to skip it`,
    );
  }
}
