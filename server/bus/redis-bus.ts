import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import { syncEventSchema } from '../../shared/event.schema.js';
import type { AppendedEvent } from '../store/store.js';
import type { Bus, BusGapHandler, BusHandler } from './bus.js';

export interface RedisBusOptions {
  url: string;
  logger: Logger;
  /** Namespaces the channels, so several deployments (or test runs) can share one Redis. */
  channelPrefix?: string;
  /** How long `connect` waits for Redis before giving up. */
  connectTimeoutMs?: number;
  /** Upper bound of the wait between reconnection attempts. */
  maxReconnectDelayMs?: number;
}

/** What travels on a shopper's channel: the event, and which instance sent it. */
const envelopeSchema = z.object({ from: z.string(), event: syncEventSchema });

interface Subscriber {
  handler: BusHandler;
  onGap: BusGapHandler | undefined;
}

/**
 * Live events between instances over Redis pub/sub: one channel per shopper,
 * subscribed while this instance has at least one stream for that shopper.
 *
 * Pub/sub delivers at most once and forgets what it could not deliver, so
 * this bus reports possible losses instead of hiding them: after the
 * subscriber connection comes back, after a subscription becomes active, and
 * when another instance says its publishes failed, every affected local
 * subscriber is told to read the durable log (`onGap`).
 *
 * Events are also handed to local subscribers directly, so streams on this
 * instance keep working while Redis is down; copies of our own events coming
 * back from Redis are ignored.
 */
export class RedisBus implements Bus {
  private readonly instanceId = randomUUID();
  private readonly prefix: string;
  private readonly resyncChannel: string;
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  private readonly logger: Logger;
  /** Set when a publish failed; on reconnect we ask every instance to resync. */
  private publishFailed = false;
  private subscriberWasReady = false;
  private closing = false;
  /** Outstanding SUBSCRIBE/UNSUBSCRIBE commands, so tests can wait for them. */
  private pending = new Set<Promise<unknown>>();

  private constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
    options: RedisBusOptions,
  ) {
    this.logger = options.logger;
    this.prefix = options.channelPrefix ?? 'tidings:';
    this.resyncChannel = `${this.prefix}resync`;
    sub.on('message', (channel: string, payload: string) => this.onMessage(channel, payload));
    sub.on('ready', () => this.onSubscriberReady());
    pub.on('ready', () => this.onPublisherReady());
    // Without listeners ioredis prints every connection error; one line per outage is enough.
    sub.on('error', (err: Error) => this.logger.debug({ err }, 'redis subscriber connection error'));
    pub.on('error', (err: Error) => this.logger.debug({ err }, 'redis publisher connection error'));
    sub.on('close', () => {
      if (this.closing || !this.subscriberWasReady) return;
      this.subscriberWasReady = false;
      this.logger.warn('lost the Redis subscriber connection; live events from other instances pause until it is back');
    });
  }

  /** Opens both connections and resolves once Redis answers, or rejects with a message fit for an operator. */
  static async connect(options: RedisBusOptions): Promise<RedisBus> {
    const maxDelay = options.maxReconnectDelayMs ?? 1000;
    const redisOptions: RedisOptions = {
      // Queued commands would be replayed late and out of order; failing fast is what a best-effort bus wants.
      enableOfflineQueue: false,
      // We resubscribe ourselves, so we know when the subscriptions are back and can tell streams to resync.
      autoResubscribe: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (attempt) => Math.min(attempt * 100, maxDelay),
      lazyConnect: true,
    };
    const pub = new Redis(options.url, { ...redisOptions, connectionName: 'tidings-pub' });
    const sub = new Redis(options.url, { ...redisOptions, connectionName: 'tidings-sub' });
    const bus = new RedisBus(pub, sub, options);
    const timeoutMs = options.connectTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.all([pub.connect(), sub.connect()]),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      await bus.track(sub.subscribe(bus.resyncChannel));
    } catch (err) {
      pub.disconnect();
      sub.disconnect();
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(`could not connect to Redis at ${redactUrl(options.url)}: ${reason}`);
    } finally {
      clearTimeout(timer);
    }
    return bus;
  }

  async publish(events: readonly AppendedEvent[]): Promise<void> {
    if (events.length === 0) return;
    for (const { userId, event } of events) this.deliver(userId, event);
    if (this.closing) return;
    const pipeline = this.pub.pipeline();
    for (const { userId, event } of events) {
      pipeline.publish(this.channelOf(userId), JSON.stringify({ from: this.instanceId, event }));
    }
    try {
      const results = (await pipeline.exec()) ?? [];
      const failure = results.find(([err]) => err)?.[0];
      if (failure) throw failure;
    } catch (err) {
      // The log holds the events; other instances learn of them from our resync once Redis is back.
      if (!this.publishFailed) {
        this.logger.warn({ err }, 'Redis publish failed; other instances will resync when Redis is back');
      }
      this.publishFailed = true;
    }
  }

  subscribe(userId: string, handler: BusHandler, onGap?: BusGapHandler): () => void {
    const subscriber: Subscriber = { handler, onGap };
    let set = this.subscribers.get(userId);
    if (!set) {
      set = new Set();
      this.subscribers.set(userId, set);
      this.subscribeChannel(userId);
    }
    set.add(subscriber);
    return () => {
      const current = this.subscribers.get(userId);
      if (!current?.delete(subscriber) || current.size > 0) return;
      this.subscribers.delete(userId);
      if (this.sub.status === 'ready') {
        void this.track(this.sub.unsubscribe(this.channelOf(userId))).catch((err: unknown) =>
          this.logger.debug({ err, userId }, 'redis unsubscribe failed; the reconnect forgets it anyway'),
        );
      }
    };
  }

  /** Resolves once every SUBSCRIBE and UNSUBSCRIBE sent so far has been answered. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.subscribers.clear();
    await Promise.all([quit(this.pub), quit(this.sub)]);
  }

  private channelOf(userId: string): string {
    return `${this.prefix}u:${userId}`;
  }

  private subscribeChannel(userId: string): void {
    if (this.sub.status !== 'ready') return; // onSubscriberReady subscribes it, then reports the gap.
    void this.track(this.sub.subscribe(this.channelOf(userId))).then(
      // Events committed between the stream's replay and this moment were published to nobody.
      () => this.reportGap(userId),
      (err: unknown) => this.logger.debug({ err, userId }, 'redis subscribe failed; retried on reconnect'),
    );
  }

  private onSubscriberReady(): void {
    if (this.closing) return;
    this.subscriberWasReady = true;
    const channels = [this.resyncChannel, ...[...this.subscribers.keys()].map((id) => this.channelOf(id))];
    void this.track(this.sub.subscribe(...channels)).then(
      () => {
        if (this.subscribers.size > 0) {
          this.logger.info({ users: this.subscribers.size }, 'Redis subscriber back; streams resync from the log');
        }
        for (const userId of this.subscribers.keys()) this.reportGap(userId);
      },
      (err: unknown) => this.logger.debug({ err }, 'resubscribe failed; retried on the next reconnect'),
    );
  }

  private onPublisherReady(): void {
    if (!this.publishFailed || this.closing) return;
    this.publishFailed = false;
    this.logger.info('Redis publisher back; asking every instance to resync its streams');
    this.pub.publish(this.resyncChannel, this.instanceId).catch((err: unknown) => {
      this.publishFailed = true;
      this.logger.debug({ err }, 'resync request failed; retried on the next reconnect');
    });
  }

  private onMessage(channel: string, payload: string): void {
    if (channel === this.resyncChannel) {
      if (payload === this.instanceId) return;
      for (const userId of this.subscribers.keys()) this.reportGap(userId);
      return;
    }
    const userPrefix = `${this.prefix}u:`;
    if (!channel.startsWith(userPrefix)) return;
    const userId = channel.slice(userPrefix.length);
    let parsed;
    try {
      parsed = envelopeSchema.safeParse(JSON.parse(payload));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) {
      // Something else writes to our channels (or a newer version with another format): ignore, never crash.
      this.logger.warn({ channel, bytes: payload.length }, 'ignored an invalid event from Redis');
      return;
    }
    if (parsed.data.from === this.instanceId) return; // Already delivered locally in publish().
    this.deliver(userId, parsed.data.event);
  }

  private deliver(userId: string, event: AppendedEvent['event']): void {
    const set = this.subscribers.get(userId);
    if (!set) return;
    for (const { handler } of [...set]) {
      try {
        handler(event);
      } catch (err) {
        this.logger.error({ err, userId }, 'bus subscriber threw');
      }
    }
  }

  private reportGap(userId: string): void {
    const set = this.subscribers.get(userId);
    if (!set) return;
    for (const { onGap } of [...set]) {
      try {
        onGap?.();
      } catch (err) {
        this.logger.error({ err, userId }, 'bus gap handler threw');
      }
    }
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.pending.add(promise);
    const forget = () => this.pending.delete(promise);
    promise.then(forget, forget);
    return promise;
  }
}

async function quit(connection: Redis): Promise<void> {
  try {
    await connection.quit();
  } catch {
    connection.disconnect(); // Not connected: nothing to say goodbye to.
  }
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
