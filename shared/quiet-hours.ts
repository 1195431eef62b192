import type { Preferences } from './preferences.schema.js';

/*
 * Quiet hours are a wall-clock rule in the shopper's own time zone: "22:00 to
 * 07:00" means whatever the clock on their wall says, wherever the server or
 * the device happens to be. The rules, decided once for server and service
 * worker alike:
 *
 * - The window is half-open, [start, end): 22:00 is quiet, 07:00 is not.
 * - start > end crosses midnight (22:00–07:00 is quiet from 22:00 to 23:59
 *   and from 00:00 to 06:59).
 * - start == end is an empty window: no quiet hours. "Never notify" already
 *   has clearer controls (mute every category, or a minimum priority of 5),
 *   and an empty interval is what [t, t) means anyway.
 * - Daylight saving time: the local clock is read for the instant `now`, so a
 *   window follows the clock. A start that falls into the spring-forward gap
 *   (02:30 on a day the clock jumps 02:00 → 03:00) begins at the first local
 *   time after it (03:00); in the repeated autumn hour both passes are judged
 *   alike.
 * - A change of time zone applies at once: the zone is part of the saved
 *   preferences, read at every decision, nothing is precomputed.
 */

const MINUTES_PER_DAY = 24 * 60;

/** Formatters are costly to build and this runs once per push; one per zone is kept. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * Minutes since local midnight (0–1439) of `now` on a wall clock in `timeZone`.
 * A zone this runtime does not know (an older ICU in some browser) reads as
 * UTC rather than failing the push.
 */
export function localMinuteOfDay(now: Date, timeZone: string): number {
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = formatterFor(timeZone);
  } catch {
    formatter = formatterFor('UTC');
  }
  let hour = 0;
  let minute = 0;
  for (const part of formatter.formatToParts(now)) {
    if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  // Some engines print midnight as "24" even with h23; the modulo folds it back.
  return (hour * 60 + minute) % MINUTES_PER_DAY;
}

/** "HH:MM" → minutes since midnight. The schema guarantees the shape. */
export function minutesOf(clockTime: string): number {
  const [hours, minutes] = clockTime.split(':');
  return Number(hours) * 60 + Number(minutes);
}

/** Whether a minute of the day falls in [start, end), crossing midnight when start > end. */
export function isMinuteInWindow(minute: number, start: number, end: number): boolean {
  if (start === end) return false;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** Whether `now` is inside the shopper's quiet hours, on their own wall clock. */
export function isInQuietHours(preferences: Pick<Preferences, 'quietHours' | 'timeZone'>, now: Date): boolean {
  const { quietHours } = preferences;
  if (!quietHours) return false;
  const start = minutesOf(quietHours.start);
  const end = minutesOf(quietHours.end);
  if (start === end) return false;
  return isMinuteInWindow(localMinuteOfDay(now, preferences.timeZone), start, end);
}

const MINUTE_MS = 60_000;
/** Longest a repeated autumn hour can keep a window going past its local end (some zones shift by 30 minutes). */
const END_SEARCH_STEPS = 8;
const END_SEARCH_STEP_MS = 15 * MINUTE_MS;

/**
 * When the quiet hours `now` is in end: the next instant whose local time is
 * the window's end, the start of that minute. Undefined when `now` is not
 * quiet. Daylight saving: an end skipped by a spring-forward jump is the
 * first local time after it; in a repeated autumn hour the end is the first
 * instant the wall clock is past the window, searched in 15-minute steps.
 */
export function quietHoursEnd(preferences: Pick<Preferences, 'quietHours' | 'timeZone'>, now: Date): Date | undefined {
  if (!isInQuietHours(preferences, now)) return undefined;
  const end = minutesOf(preferences.quietHours!.end);
  const minutesLeft = (end - localMinuteOfDay(now, preferences.timeZone) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
  let candidate = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS + minutesLeft * MINUTE_MS;
  for (let step = 0; step < END_SEARCH_STEPS && isInQuietHours(preferences, new Date(candidate)); step++) candidate += END_SEARCH_STEP_MS;
  return new Date(candidate);
}
