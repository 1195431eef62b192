import type { Logger } from 'pino';

/**
 * A loop that runs one step at a time: again at once while the step says
 * there is more, otherwise after `idleMs` or when woken. Steps are
 * transactions against the durable store, so stopping between two steps (or
 * a crash inside one) loses nothing: the next start picks up from the store.
 */
export class BackgroundLoop {
  private running: Promise<void> | undefined;
  private stopping = false;
  private woken = false;
  private wakeUp: (() => void) | undefined;

  constructor(
    private readonly name: string,
    private readonly logger: Logger,
    /** Returns how long to wait before the next step: 0 for at once. */
    private readonly step: () => Promise<number>,
  ) {}

  start(): void {
    this.running ??= this.loop();
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let waitMs: number;
      try {
        waitMs = await this.step();
      } catch (err) {
        this.logger.error({ err }, `${this.name} step failed; retrying shortly`);
        waitMs = 1_000;
      }
      // Even at once, yield a turn so HTTP and streams are served between batches.
      if (waitMs <= 0) await new Promise((resolve) => setImmediate(resolve));
      else await this.sleep(waitMs);
    }
  }

  private async sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.min(ms, 2 ** 31 - 1));
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
    this.wakeUp = undefined;
    this.woken = false;
  }
}

/**
 * A worker driven by one BackgroundLoop: start, wake and stop are the loop's,
 * the subclass supplies the step (same contract as the loop's).
 */
export abstract class LoopWorker {
  private readonly loop: BackgroundLoop;

  constructor(name: string, logger: Logger) {
    this.loop = new BackgroundLoop(name, logger, () => this.step());
  }

  start(): void {
    this.loop.start();
  }

  wake(): void {
    this.loop.wake();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Returns how long to wait before the next step: 0 for at once. */
  protected abstract step(): Promise<number>;
}
