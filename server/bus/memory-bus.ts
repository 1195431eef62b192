import type { AppendedEvent } from '../store/store.js';
import type { Bus, BusHandler } from './bus.js';

/** The in-process bus: enough when one instance serves every shopper. */
export class MemoryBus implements Bus {
  private readonly handlers = new Map<string, Set<BusHandler>>();

  async publish(events: readonly AppendedEvent[]): Promise<void> {
    // One broken subscriber must not starve the others; the caller logs the failure.
    let failure: unknown;
    for (const { userId, event } of events) {
      const set = this.handlers.get(userId);
      if (!set) continue;
      for (const handler of [...set]) {
        try {
          handler(event);
        } catch (err) {
          failure ??= err;
        }
      }
    }
    if (failure !== undefined) throw failure;
  }

  subscribe(userId: string, handler: BusHandler): () => void {
    let set = this.handlers.get(userId);
    if (!set) {
      set = new Set();
      this.handlers.set(userId, set);
    }
    set.add(handler);
    return () => {
      set.delete(handler);
      if (set.size === 0) this.handlers.delete(userId);
    };
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}
