import { dayNumberOf, dayOfNumber } from '../../shared/delivery-stats.schema.js';
import type { DayWindow } from '../store/delivery-stats-store.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Every zone's offset is within ±15 h of UTC, so a local day starts within this of its UTC midnight. */
const WIDEST_OFFSET = 15 * 3_600_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(tz: string): Intl.DateTimeFormat {
  let formatter = formatters.get(tz);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(tz, formatter);
  }
  return formatter;
}

/** The calendar day (as a day number) that the instant `ms` falls on in `tz`. */
export function localDayNumber(ms: number, tz: string): number {
  const parts = formatterOf(tz).formatToParts(ms);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)!.value);
  return Date.UTC(part('year'), part('month') - 1, part('day')) / DAY;
}

/**
 * The first instant (to the minute) of a local calendar day. Searched rather
 * than computed from an offset: the local date only ever moves forward, and a
 * search also gets the days whose midnight a DST change skips (they begin at 01:00).
 */
export function startOfLocalDay(dayNumber: number, tz: string): number {
  let low = dayNumber * DAY - WIDEST_OFFSET; // still the day before, in every zone
  let high = dayNumber * DAY + WIDEST_OFFSET; // already that day, in every zone
  while (high - low > MINUTE) {
    const middle = low + Math.floor((high - low) / 2 / MINUTE) * MINUTE;
    if (localDayNumber(middle, tz) >= dayNumber) high = middle;
    else low = middle;
  }
  return high;
}

/** The windows of the local days `from`..`to` (both `YYYY-MM-DD`, from <= to) in `tz`. */
export function localDayWindows(from: string, to: string, tz: string): DayWindow[] {
  const first = dayNumberOf(from)!;
  const last = dayNumberOf(to)!;
  const windows: DayWindow[] = [];
  let start = startOfLocalDay(first, tz);
  for (let day = first; day <= last; day++) {
    const end = startOfLocalDay(day + 1, tz);
    windows.push({ day: dayOfNumber(day), start: new Date(start).toISOString(), end: new Date(end).toISOString() });
    start = end;
  }
  return windows;
}
