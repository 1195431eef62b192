import { describe, expect, it } from 'vitest';
import { TokenBuckets } from './rate-limit.js';

describe('TokenBuckets', () => {
  it('allows the burst, then one request per refill interval, per key', () => {
    let now = 0;
    const buckets = new TokenBuckets({ perSecond: 2, burst: 3 }, () => now);
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([0, 0, 0]);
    expect(buckets.take('a')).toBe(500);
    expect(buckets.take('b')).toBe(0);
    now = 500;
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBe(500);
  });

  it('never fills beyond the burst after a long idle time', () => {
    let now = 0;
    const buckets = new TokenBuckets({ perSecond: 10, burst: 2 }, () => now);
    buckets.take('a');
    now = 60_000;
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a') > 0]).toEqual([0, 0, true]);
  });
});
