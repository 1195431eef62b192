import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Buckets, RateLimit } from './rate-limit.js';

/**
 * The same token bucket as TokenBuckets, kept in one Redis hash per key and
 * updated by one script, so every instance draws from the same bucket
 * atomically. Time comes from Redis (TIME), not from each instance's clock.
 * A bucket expires once it would be full again, like the in-memory sweep.
 */
const TAKE_SCRIPT = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(bucket[1]) or burst
local at = tonumber(bucket[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) / 1000 * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) / rate * 1000) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return wait
`;

type TakeCommand = (key: string, perSecond: number, burst: number) => Promise<number>;

export interface RedisRateLimitOptions {
  url: string;
  /** Namespaces the keys, like the bus channels; default `tidings:`. */
  prefix?: string;
  logger: Logger;
  /** Told of every request let through because Redis did not answer (a metric). */
  onUnavailable?: () => void;
  /** How long a request may wait for Redis before it is served anyway. */
  commandTimeoutMs?: number;
}

/**
 * One Redis connection shared by the per-key and per-IP limits. When Redis
 * does not answer the limits fail open: the request is served, a warning is
 * logged (at most once a minute) and counted. A rate limit protects the shop;
 * refusing every request while Redis is down would take the shop down instead.
 */
export class RedisRateLimits {
  private readonly redis: Redis;
  private readonly prefix: string;
  private lastWarning = 0;

  private constructor(private readonly options: RedisRateLimitOptions) {
    this.prefix = options.prefix ?? 'tidings:';
    this.redis = new Redis(options.url, {
      connectionName: 'tidings-rate-limit',
      // Fail fast instead of queueing: a request must not wait for a reconnect.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 250,
      retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
    });
    this.redis.on('error', (err: Error) => options.logger.debug({ err }, 'redis rate-limit connection error'));
    this.redis.defineCommand('tidingsTakeToken', { numberOfKeys: 1, lua: TAKE_SCRIPT });
  }

  /**
   * Connects and waits until Redis answers or refuses (or `waitMs` passes), so
   * the first requests are limited rather than served while still connecting.
   * Never rejects: a Redis that is down now means failing open until it is back.
   */
  static async open(options: RedisRateLimitOptions, waitMs = 2000): Promise<RedisRateLimits> {
    const limits = new RedisRateLimits(options);
    const redis = limits.redis;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        redis.off('ready', done);
        redis.off('error', done);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      if (redis.status === 'ready') done();
      redis.once('ready', done);
      redis.once('error', done);
    });
    return limits;
  }

  /** Buckets of one limit (`name` keeps the per-key and per-IP buckets apart). */
  buckets(name: string, limit: RateLimit): Buckets {
    const take = (this.redis as unknown as { tidingsTakeToken: TakeCommand }).tidingsTakeToken.bind(this.redis);
    return {
      take: async (key) => {
        try {
          return Number(await take(`${this.prefix}rate:${name}:${key}`, limit.perSecond, limit.burst));
        } catch (err) {
          this.unavailable(err);
          return 0;
        }
      },
    };
  }

  private unavailable(err: unknown): void {
    this.options.onUnavailable?.();
    const now = Date.now();
    if (now - this.lastWarning < 60_000) return;
    this.lastWarning = now;
    this.options.logger.warn({ err }, 'Redis did not answer the rate limiter; serving requests without limits until it does');
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
