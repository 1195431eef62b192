/**
 * Runs `poll` every `intervalMs` while the page is visible, and not at all
 * while it is hidden: a console left in a background tab costs the server
 * nothing. Coming back runs a poll at once (the figures are stale by then).
 * A poll never overlaps the previous one; the next is timed from its end, so
 * a slow server slows the polling instead of piling requests up.
 */

export interface PageVisibility {
  isVisible(): boolean;
  /** Calls `listener` on every change; returns the unsubscribe. */
  onChange(listener: () => void): () => void;
}

export interface Timers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface VisiblePoller {
  /** Polls now (unless one is running), then keeps the rhythm. */
  pollNow(): void;
  stop(): void;
}

export function startVisiblePoller(
  poll: () => Promise<void>,
  intervalMs: number,
  visibility: PageVisibility,
  timers: Timers = globalThis as unknown as Timers,
): VisiblePoller {
  let timer: unknown;
  let running = false;
  let stopped = false;

  const schedule = () => {
    timers.clearTimeout(timer);
    timer = undefined;
    if (!stopped && visibility.isVisible()) timer = timers.setTimeout(tick, intervalMs);
  };

  async function tick(): Promise<void> {
    if (stopped || running || !visibility.isVisible()) return;
    running = true;
    timers.clearTimeout(timer);
    try {
      await poll();
    } catch {
      // The caller shows its own errors; the rhythm goes on.
    } finally {
      running = false;
      schedule();
    }
  }

  const unsubscribe = visibility.onChange(() => {
    if (visibility.isVisible()) void tick();
    else schedule();
  });
  schedule();

  return {
    pollNow: () => void tick(),
    stop() {
      stopped = true;
      timers.clearTimeout(timer);
      unsubscribe();
    },
  };
}

/** The document's visibility, as the poller wants it. */
export function documentVisibility(doc: Document = document): PageVisibility {
  return {
    isVisible: () => doc.visibilityState === 'visible',
    onChange(listener) {
      doc.addEventListener('visibilitychange', listener);
      return () => doc.removeEventListener('visibilitychange', listener);
    },
  };
}
