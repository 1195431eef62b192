import { describe, expect, it } from 'vitest';
import { durationParts, lastDays, todayIn } from './dashboard-range.js';

describe('the dashboard period', () => {
  const at = Date.parse('2026-03-01T16:30:00Z'); // 00:30 on 2 March in Shanghai, still 1 March in UTC and New York

  it('takes today in the merchant’s time zone', () => {
    expect(todayIn('Asia/Shanghai', at)).toBe('2026-03-02');
    expect(todayIn('UTC', at)).toBe('2026-03-01');
    expect(todayIn('America/New_York', at)).toBe('2026-03-01');
  });

  it('counts the last N days with today, across a month end', () => {
    expect(lastDays(7, 'UTC', at)).toEqual({ from: '2026-02-23', to: '2026-03-01' });
    expect(lastDays(1, 'Asia/Shanghai', at)).toEqual({ from: '2026-03-02', to: '2026-03-02' });
    expect(lastDays(90, 'UTC', at)).toEqual({ from: '2025-12-02', to: '2026-03-01' });
  });
});

describe('durationParts', () => {
  it.each([
    [0, 'seconds', 0],
    [75, 'seconds', 75],
    [90, 'minutes', 2],
    [3599, 'minutes', 60],
    [5400, 'hours', 1.5],
    [36 * 3600, 'days', 1.5],
  ])('%s s reads as %s', (seconds, unit, value) => {
    expect(durationParts(seconds)).toEqual({ unit, value });
  });
});
