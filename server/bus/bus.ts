import type { AppendedEvent } from '../store/store.js';

export type BusHandler = (event: AppendedEvent['event']) => void;

/**
 * Carries committed events to the connections that want them, on this
 * instance and (with a networked bus) on others. Best effort by design:
 * the durable log is the truth, and a stream that misses a live event
 * notices the gap by seq and reads it from the store.
 */
export interface Bus {
  publish(events: readonly AppendedEvent[]): Promise<void>;
  /** Returns the function that unsubscribes. */
  subscribe(userId: string, handler: BusHandler): () => void;
  close(): Promise<void>;
}
