import type { Logger } from 'pino';
import type { Bus } from '../bus/bus.js';
import type { AppendedEvent } from '../store/store.js';

/**
 * Publishing after commit: a failure here costs latency, never an event,
 * because streams resume from the durable log.
 */
export function publishCommitted(bus: Bus, logger: Logger, events: readonly AppendedEvent[]): void {
  if (events.length === 0) return;
  bus.publish(events).catch((err: unknown) => {
    logger.warn({ err, events: events.length }, 'live publish failed; clients will catch up from the log');
  });
}
