import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ExpiryTimer, MAX_EXPIRY_WAIT_MS, soonestExpiry } from './expiry-timer.js';

const NOW = Date.UTC(2025, 0, 1, 12, 0);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('soonestExpiry', () => {
  it('is the soonest instant still ahead, among rows and extra instants', () => {
    const rows = [{ expiresAtMs: NOW + 5_000 }, {}, { expiresAtMs: NOW - 1 }, { expiresAtMs: NOW + 2_000 }, { expiresAtMs: NOW }];
    expect(soonestExpiry(rows, NOW)).toBe(NOW + 2_000);
    expect(soonestExpiry(rows, NOW, NOW + 1_000, undefined)).toBe(NOW + 1_000);
    expect(soonestExpiry([{}, { expiresAtMs: NOW - 10 }], NOW)).toBeUndefined();
    expect(soonestExpiry([], NOW, undefined)).toBeUndefined();
  });
});

describe('ExpiryTimer', () => {
  it('fires at the armed instant, not before', () => {
    const onExpire = vi.fn();
    new ExpiryTimer(onExpire).arm(NOW + 3_000);
    vi.advanceTimersByTime(2_999);
    expect(onExpire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onExpire).toHaveBeenCalledTimes(1);
    expect(Date.now()).toBe(NOW + 3_000);
  });

  it('fires at once for an instant already past', () => {
    const onExpire = vi.fn();
    new ExpiryTimer(onExpire).arm(NOW - 1_000);
    vi.advanceTimersByTime(0);
    expect(onExpire).toHaveBeenCalledTimes(1);
  });

  it('re-arming replaces the earlier instant; stop and undefined leave nothing armed', () => {
    const onExpire = vi.fn();
    const timer = new ExpiryTimer(onExpire);
    timer.arm(NOW + 10_000);
    timer.arm(NOW + 1_000);
    vi.advanceTimersByTime(1_000);
    expect(onExpire).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(20_000);
    expect(onExpire).toHaveBeenCalledTimes(1);

    timer.arm(NOW + 30_000);
    timer.arm(undefined);
    timer.arm(NOW + 40_000);
    timer.stop();
    vi.advanceTimersByTime(60_000);
    expect(onExpire).toHaveBeenCalledTimes(1);
  });

  it('waits for a far-future expiry in capped steps, and fires only when it is reached', () => {
    const onExpire = vi.fn();
    const farAway = NOW + 40 * 24 * 3_600_000; // beyond setTimeout's 2^31−1 ms
    new ExpiryTimer(onExpire).arm(farAway);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(MAX_EXPIRY_WAIT_MS);
    expect(onExpire).not.toHaveBeenCalled();
    // Still one pending timer, never more than the cap away.
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(farAway - Date.now() - 1);
    expect(onExpire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onExpire).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('after the device slept past the instant, fires on the first chance instead of waiting again', () => {
    const onExpire = vi.fn();
    new ExpiryTimer(onExpire).arm(NOW + MAX_EXPIRY_WAIT_MS * 3);
    // The clock jumps (sleep) while the timer is still pending: its callback sees the instant has passed.
    vi.setSystemTime(NOW + MAX_EXPIRY_WAIT_MS * 4);
    vi.advanceTimersByTime(MAX_EXPIRY_WAIT_MS);
    expect(onExpire).toHaveBeenCalledTimes(1);
  });
});
