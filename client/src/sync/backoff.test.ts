import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

const options = { baseMs: 500, capMs: 30_000 };

describe('backoffDelay', () => {
  it('doubles per attempt between half and all of the ceiling', () => {
    expect(backoffDelay(0, { ...options, random: () => 0 })).toBe(250);
    expect(backoffDelay(0, { ...options, random: () => 1 })).toBe(500);
    expect(backoffDelay(3, { ...options, random: () => 0 })).toBe(2000);
    expect(backoffDelay(3, { ...options, random: () => 1 })).toBe(4000);
  });

  it('never exceeds the cap, however many attempts failed', () => {
    expect(backoffDelay(50, { ...options, random: () => 1 })).toBe(30_000);
    expect(backoffDelay(50, { ...options, random: () => 0 })).toBe(15_000);
  });

  it('spreads retries with jitter', () => {
    const delays = new Set(Array.from({ length: 20 }, () => backoffDelay(4, options)));
    expect(delays.size).toBeGreaterThan(1);
  });
});
