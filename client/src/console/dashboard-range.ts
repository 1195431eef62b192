import { dayNumberOf, dayOfNumber } from '../../../shared/delivery-stats.schema.js';

/** The periods the dashboard offers, in days ending today (the API takes up to 92). */
export const RANGE_PRESETS = [7, 30, 90] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

/** The browser's time zone: where a merchant's days begin unless they choose otherwise. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** Today's calendar date (`YYYY-MM-DD`) in `tz`. */
export function todayIn(tz: string, now = Date.now()): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** The last `days` calendar days in `tz`, today included. */
export function lastDays(days: number, tz: string, now = Date.now()): { from: string; to: string } {
  const to = todayIn(tz, now);
  return { from: dayOfNumber(dayNumberOf(to)! - (days - 1)), to };
}

/** Seconds as the one unit that reads best: 45 s, 12 min, 5 h, 3 d. */
export function durationParts(seconds: number): { unit: 'seconds' | 'minutes' | 'hours' | 'days'; value: number } {
  if (seconds < 90) return { unit: 'seconds', value: Math.round(seconds) };
  if (seconds < 90 * 60) return { unit: 'minutes', value: Math.round(seconds / 60) };
  if (seconds < 36 * 3600) return { unit: 'hours', value: Math.round(seconds / 360) / 10 };
  return { unit: 'days', value: Math.round(seconds / 8640) / 10 };
}
