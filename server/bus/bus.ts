import type { AppendedEvent } from '../store/store.js';

export type BusHandler = (event: AppendedEvent['event']) => void;

/**
 * Told that live events for this subscriber may have been lost (a networked
 * bus lost its connection, or a subscription only just became active): the
 * subscriber should read the durable log after its position.
 */
export type BusGapHandler = () => void;

/**
 * Carries committed events to the connections that want them, on this
 * instance and (with a networked bus) on others. Best effort by design:
 * the durable log is the truth, and a stream that misses a live event
 * notices the gap by seq and reads it from the store. A loss the stream
 * cannot notice (nothing newer arrives) is reported through `onGap`.
 */
export interface Bus {
  publish(events: readonly AppendedEvent[]): Promise<void>;
  /** Returns the function that unsubscribes. The in-process bus never loses events, so never calls `onGap`. */
  subscribe(userId: string, handler: BusHandler, onGap?: BusGapHandler): () => void;
  close(): Promise<void>;
}
