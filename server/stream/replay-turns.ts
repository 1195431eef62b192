/** Pages granted per turn of the event loop: a few milliseconds of replay between two polls for I/O. */
export const REPLAY_PAGES_PER_TURN = 4;

/**
 * Replay pages take turns with the rest of the event loop. Reading a page and
 * writing its frames is synchronous work (about a millisecond for 200 events).
 * When 5,000 shoppers resume at once, their replays used to run back to back in
 * the microtasks of one loop turn: for seconds nothing accepted a connection,
 * the kernel's accept queue overflowed and dropped their SYNs, and those
 * shoppers waited out TCP's 1 s, 3 s, 7 s retransmits. Here each page waits for
 * a grant: at most `pagesPerTurn` per turn (in the loop's check phase, after
 * its poll for I/O), in the order asked, so new connections keep being
 * accepted, and a long replay goes round with the others instead of ahead.
 */
export class ReplayTurns {
  private readonly waiting: (() => void)[] = [];
  private scheduled = false;

  constructor(private readonly pagesPerTurn = REPLAY_PAGES_PER_TURN) {}

  /** Resolves when the caller may read and send its next page. */
  take(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.grant());
      }
    });
  }

  private grant(): void {
    for (const resolve of this.waiting.splice(0, this.pagesPerTurn)) resolve();
    if (this.waiting.length > 0) setImmediate(() => this.grant());
    else this.scheduled = false;
  }
}
