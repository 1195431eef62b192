import { describe, expect, it } from 'vitest';
import { DEFAULT_WEBHOOK_RETRY, nextDelayMs } from './webhook-retry.js';

describe('webhook retry schedule', () => {
  it('keeps trying for more than 24 hours, then stops', () => {
    const total = DEFAULT_WEBHOOK_RETRY.delaysMs.reduce((sum, ms) => sum + ms, 0) * (1 - DEFAULT_WEBHOOK_RETRY.jitter);
    expect(total).toBeGreaterThan(24 * 3600_000);
    expect(nextDelayMs(DEFAULT_WEBHOOK_RETRY, DEFAULT_WEBHOOK_RETRY.delaysMs.length + 1)).toBeUndefined();
  });

  it('jitters each delay within ± the jitter fraction', () => {
    expect(nextDelayMs(DEFAULT_WEBHOOK_RETRY, 2, undefined, () => 0)).toBe(240_000);
    expect(nextDelayMs(DEFAULT_WEBHOOK_RETRY, 2, undefined, () => 1)).toBe(360_000);
  });

  it('waits at least as long as Retry-After asks, up to its cap', () => {
    expect(nextDelayMs(DEFAULT_WEBHOOK_RETRY, 1, 120_000, () => 0.5)).toBe(120_000);
    expect(nextDelayMs(DEFAULT_WEBHOOK_RETRY, 1, 1_000, () => 0.5)).toBe(5_000);
    expect(nextDelayMs(DEFAULT_WEBHOOK_RETRY, 1, 10 * 24 * 3600_000, () => 0.5)).toBe(DEFAULT_WEBHOOK_RETRY.maxRetryAfterMs);
  });
});
