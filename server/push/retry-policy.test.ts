import { describe, expect, it } from 'vitest';
import { backoffMs, parseRetryAfter, retryDueAt } from './retry-policy.js';

const policy = { baseMs: 1000, maxDelayMs: 60_000, maxAttempts: 10 };

describe('backoffMs', () => {
  it('doubles per attempt, jittered within the upper half, capped', () => {
    expect(backoffMs(policy, 1, () => 0)).toBe(500);
    expect(backoffMs(policy, 1, () => 1)).toBe(1000);
    expect(backoffMs(policy, 4, () => 0)).toBe(4000);
    expect(backoffMs(policy, 4, () => 1)).toBe(8000);
    expect(backoffMs(policy, 40, () => 1)).toBe(60_000);
  });
});

describe('retryDueAt', () => {
  it('is never earlier than Retry-After nor the backoff, and undefined once the attempts are used up', () => {
    expect(retryDueAt(policy, 1, 120_000, 5_000)).toBe(125_000);
    const due = retryDueAt(policy, 4, 10, 5_000)!;
    expect(due).toBeGreaterThanOrEqual(5_000 + 4000);
    expect(due).toBeLessThanOrEqual(5_000 + 8000);
    expect(retryDueAt(policy, 9, undefined, 0)).toBeDefined();
    expect(retryDueAt(policy, 10, undefined, 0)).toBeUndefined();
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads delay-seconds and HTTP-dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
  });
  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});
