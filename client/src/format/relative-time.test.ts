import { describe, expect, it } from 'vitest';
import { formatRelativeTime } from './relative-time.js';

const NOW = Date.UTC(2025, 5, 15, 12, 0);
const MINUTE = 60_000;

describe('formatRelativeTime', () => {
  it('says "just now" for the last minute and for small clock skew', () => {
    expect(formatRelativeTime(NOW - 30_000, NOW)).toBe('just now');
    expect(formatRelativeTime(NOW + 2 * MINUTE, NOW)).toBe('just now');
  });

  it('counts minutes, hours and days', () => {
    expect(formatRelativeTime(NOW - 5 * MINUTE, NOW)).toBe('5 minutes ago');
    expect(formatRelativeTime(NOW - 3 * 60 * MINUTE, NOW)).toBe('3 hours ago');
    expect(formatRelativeTime(NOW - 24 * 60 * MINUTE, NOW)).toBe('yesterday');
  });

  it('falls back to a date after a week', () => {
    expect(formatRelativeTime(Date.UTC(2025, 5, 1, 12), NOW)).toBe('Jun 1, 2025');
  });
});
