import { performance } from 'node:perf_hooks';

/** Replay work a turn of the event loop may do before the loop polls for I/O again. */
export const REPLAY_TURN_BUDGET_MS = 8;
/** Pages under way at once: a PostgreSQL page waits on its query, and a few such waits overlap. */
export const REPLAY_PAGES_AT_ONCE = 4;

/**
 * Replay pages take turns with the rest of the event loop. Reading a page and
 * writing its frames is synchronous work (about a millisecond for 200 events).
 * When 5,000 shoppers resume at once, their replays used to run back to back in
 * the microtasks of one loop turn: for seconds nothing accepted a connection,
 * the kernel's accept queue overflowed and dropped their SYNs, and those
 * shoppers waited out TCP's 1 s, 3 s, 7 s retransmits. Here each page waits for
 * a grant, in the order asked. A turn starts in the loop's check phase (after
 * its poll for I/O) and grants pages, at most `atOnce` under way, for as long
 * as `budgetMs` has not passed since it started; a page finishing within the
 * budget hands its place to the next. So a turn is a few milliseconds of
 * replay whatever a page costs, new connections keep being accepted, and a
 * long replay goes round with the others instead of ahead.
 *
 * It used to be a fixed 4 pages per turn: each turn then did about 4 ms of
 * replay and paid a loop iteration (timers, a poll, an immediate) for it.
 */
export class ReplayTurns {
  private readonly waiting: (() => void)[] = [];
  private scheduled = false;
  private running = 0;
  private turnStartedAt = 0;

  constructor(
    private readonly budgetMs = REPLAY_TURN_BUDGET_MS,
    private readonly atOnce = REPLAY_PAGES_AT_ONCE,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Runs `page` (read one page, write its frames) when granted; never in the turn that asked. */
  async run<T>(page: () => Promise<T>): Promise<T> {
    await new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
    try {
      return await page();
    } finally {
      this.running--;
      if (this.now() - this.turnStartedAt < this.budgetMs) this.grant();
      this.schedule();
    }
  }

  private schedule(): void {
    if (this.scheduled || this.waiting.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.turnStartedAt = this.now();
      this.grant();
    });
  }

  private grant(): void {
    while (this.running < this.atOnce && this.waiting.length > 0) {
      this.running++;
      this.waiting.shift()!();
    }
  }
}
