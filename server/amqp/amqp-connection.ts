import { EventEmitter } from 'node:events';
import amqp, { type ChannelModel } from 'amqplib';
import type { Logger } from 'pino';

export type AmqpConnectionState = 'connecting' | 'connected' | 'closed';

/** Run on every (re)connect to open channels and declare what they need; a throw drops the connection and retries. */
export type AmqpSetup = (connection: ChannelModel) => Promise<void>;

export interface AmqpConnectionOptions {
  url: string;
  logger: Logger;
  /** Shown by `rabbitmqctl list_connections user_provided_name`, so an operator (or a test) can find it. */
  name?: string;
  /** Reconnect backoff: doubles from minDelayMs up to maxDelayMs, each wait jittered to 50–100 %. */
  minDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * The one owner of the broker connection, shared by the consumer and the event
 * publisher: connects, reconnects with capped, jittered backoff when the broker
 * goes away, and re-runs every registered setup on each new connection. State
 * changes are logged once each, not once per retry, so a broker down for an
 * hour leaves two lines in the log rather than thousands.
 */
export class AmqpConnection extends EventEmitter<{ state: [AmqpConnectionState] }> {
  private readonly setups: AmqpSetup[] = [];
  private model: ChannelModel | undefined;
  private current: AmqpConnectionState = 'connecting';
  private started = false;
  /** True while connect() runs, so a loss during setup does not start a second loop. */
  private looping = false;
  private attempts = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private wakeUp: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(private readonly options: AmqpConnectionOptions) {
    super();
    this.minDelayMs = options.minDelayMs ?? 200;
    this.maxDelayMs = options.maxDelayMs ?? 10_000;
  }

  get state(): AmqpConnectionState {
    return this.current;
  }

  /** The live connection, or undefined while (re)connecting. */
  get connection(): ChannelModel | undefined {
    return this.model;
  }

  /** Registers a setup; if already connected it runs now too (and a failure there drops the connection, as on connect). */
  async use(setup: AmqpSetup): Promise<void> {
    this.setups.push(setup);
    if (this.model) await setup(this.model).catch((err: unknown) => this.recycle(`setup failed: ${messageOf(err)}`));
  }

  /** Starts connecting in the background; returns at once (the HTTP API must not wait for the broker). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.loop = this.connect();
  }

  /** Resolves once connected (tests and the benchmark wait for it). */
  async connected(timeoutMs = 10_000): Promise<void> {
    if (this.current === 'connected') return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`AMQP broker not connected within ${timeoutMs} ms`)), timeoutMs);
      const onState = (state: AmqpConnectionState) => {
        if (state !== 'connected') return;
        clearTimeout(timer);
        this.off('state', onState);
        resolve();
      };
      this.on('state', onState);
    });
  }

  /** Drops the current connection so it is made again (a setup or a channel found it unusable). */
  recycle(reason: string): void {
    if (!this.model) return;
    this.options.logger.warn({ reason }, 'AMQP connection recycled');
    void this.model.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.setState('closed');
    clearTimeout(this.retryTimer);
    this.wakeUp?.();
    const model = this.model;
    this.model = undefined;
    await model?.close().catch(() => undefined);
    await this.loop;
  }

  private closed(): boolean {
    return this.current === 'closed';
  }

  private setState(state: AmqpConnectionState): void {
    if (this.current === state || this.current === 'closed') return;
    this.current = state;
    this.emit('state', state);
  }

  private async connect(): Promise<void> {
    this.looping = true;
    try {
      await this.connectLoop();
    } finally {
      this.looping = false;
    }
  }

  private async connectLoop(): Promise<void> {
    const { logger } = this.options;
    while (this.current !== 'closed') {
      try {
        const model = await amqp.connect(this.options.url, {
          clientProperties: { connection_name: this.options.name ?? 'tidings' },
        });
        if (this.closed()) {
          await model.close().catch(() => undefined);
          return;
        }
        model.on('error', () => undefined); // 'close' follows and is what we act on.
        model.once('close', () => this.lost(model));
        this.model = model;
        for (const setup of this.setups) await setup(model);
        if (this.model !== model) throw new Error('connection lost during setup');
        logger.info({ attempts: this.attempts }, 'AMQP broker connected');
        this.attempts = 0;
        this.setState('connected');
        return;
      } catch (err) {
        if (this.attempts === 0) logger.warn({ err: messageOf(err) }, 'AMQP broker unreachable; retrying with backoff');
        else logger.debug({ err: messageOf(err), attempts: this.attempts }, 'AMQP connect attempt failed');
        this.attempts++;
        const model = this.model;
        this.model = undefined;
        await model?.close().catch(() => undefined);
        await this.wait(this.backoff());
      }
    }
  }

  private lost(model: ChannelModel): void {
    if (this.model !== model) return;
    this.model = undefined;
    if (this.current === 'closed' || this.looping) return; // the running loop notices and goes round again
    if (this.current === 'connected') this.options.logger.warn('AMQP broker connection lost; reconnecting');
    this.setState('connecting');
    this.attempts = Math.max(this.attempts, 1);
    this.loop = this.wait(this.backoff()).then(() => this.connect());
  }

  /** Capped exponential backoff with jitter, so many instances do not all return to the broker in the same instant. */
  private backoff(): number {
    const base = Math.min(this.maxDelayMs, this.minDelayMs * 2 ** Math.min(this.attempts, 16));
    return Math.round(base * (0.5 + Math.random() * 0.5));
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wakeUp = resolve;
      this.retryTimer = setTimeout(resolve, ms);
      this.retryTimer.unref();
    });
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
