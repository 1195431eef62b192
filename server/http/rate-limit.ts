import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpError } from './http-error.js';

/** Sustained rate and burst of one bucket; a rate of 0 turns the limit off. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

export interface RateLimits {
  /** Per merchant key, on every request that presents one. */
  merchant: RateLimit;
  /** Per client IP (after TRUST_PROXY), on every API request. */
  ip: RateLimit;
}

/** Defaults: generous for a shop backend sending in bursts, tight enough to stop a runaway loop or a key guesser. */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  merchant: { perSecond: 100, burst: 500 },
  ip: { perSecond: 200, burst: 1000 },
};

interface Bucket {
  tokens: number;
  at: number;
}

/** Takes a token for a key: 0 when allowed, else the milliseconds until one is available. */
export interface Buckets {
  take(key: string): number | Promise<number>;
}

/**
 * Token buckets in memory: one per key, refilled continuously. Per
 * instance (several instances each allow the full rate); with REDIS_URL the
 * limiter uses RedisRateLimits instead, shared by every instance. Idle
 * buckets are dropped, so memory follows the number of active callers, not
 * of all callers ever seen.
 */
export class TokenBuckets implements Buckets {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep: number;

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
  ) {
    this.lastSweep = now();
  }

  /** Takes a token: 0 when allowed, else the milliseconds until one is available. */
  take(key: string): number {
    const now = this.now();
    this.sweep(now);
    const bucket = this.buckets.get(key) ?? { tokens: this.limit.burst, at: now };
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) / this.limit.perSecond) * 1000);
  }

  /** A bucket idle long enough to be full again is the same as no bucket. */
  private sweep(now: number): void {
    const fullAfterMs = (this.limit.burst / this.limit.perSecond) * 1000;
    if (now - this.lastSweep < Math.max(fullAfterMs, 10_000)) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) if (now - bucket.at >= fullAfterMs) this.buckets.delete(key);
  }
}

function refuse(waitMs: number, what: string): HttpError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new HttpError(429, 'rate-limited', `Too many requests for this ${what}; retry after ${seconds} s`, undefined, {
    'Retry-After': String(seconds),
  });
}

/** Where buckets live: in memory (default) or shared, e.g. RedisRateLimits.buckets. */
export type BucketsFactory = (name: 'ip' | 'merchant', limit: RateLimit) => Buckets;

export const memoryBuckets: BucketsFactory = (_name, limit) => new TokenBuckets(limit);

/** Express middleware applying both limits before any route work (and before a key is even looked up). */
export function rateLimiter(limits: RateLimits, makeBuckets: BucketsFactory = memoryBuckets): RequestHandler {
  const byIp = limits.ip.perSecond > 0 ? makeBuckets('ip', limits.ip) : undefined;
  const byKey = limits.merchant.perSecond > 0 ? makeBuckets('merchant', limits.merchant) : undefined;
  return async (req, _res, next) => {
    const ipWait = (await byIp?.take(req.ip ?? 'unknown')) ?? 0;
    if (ipWait > 0) return next(refuse(ipWait, 'IP address'));
    const credential = /^Bearer\s+(tdk_\S+)/i.exec(req.get('authorization') ?? '')?.[1];
    if (credential && byKey) {
      // Keyed by a hash so the key itself is never held in another structure.
      const keyWait = await byKey.take(crypto.createHash('sha256').update(credential).digest('base64url'));
      if (keyWait > 0) return next(refuse(keyWait, 'merchant key'));
    }
    next();
  };
}
