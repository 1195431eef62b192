import { CronExpressionParser } from 'cron-parser';
import type { Repeat } from './message.schema.js';

/** `repeat.tz` that evaluates the cron in each recipient's own time zone (issue 15). */
export const RECIPIENT_ZONE = 'recipient';

/** True for a time zone this runtime knows (IANA names such as Europe/Berlin, or UTC). */
export function isKnownTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks a recurrence the way the scheduler will run it. Returns a problem
 * per field (for a 400 naming the field), or none. A cron with no future
 * occurrence (e.g. 30 February) is refused here rather than scheduled and
 * never sent. Shared so that the console checks a cron exactly as the server will.
 */
export function repeatProblems(given: Repeat, now: number): { path: string; message: string }[] {
  if (given.tz !== undefined && given.tz !== RECIPIENT_ZONE && !isKnownTimeZone(given.tz)) {
    return [{ path: 'repeat.tz', message: `unknown time zone "${given.tz}"; use an IANA name such as Europe/Berlin, or "recipient"` }];
  }
  // In each recipient's zone: checked in UTC, as the rules below hold the same in every zone.
  const repeat = given.tz === RECIPIENT_ZONE ? { cron: given.cron, tz: 'UTC' } : given;
  const fields = repeat.cron.split(/\s+/).length;
  if (fields !== 5 && fields !== 6) {
    return [{ path: 'repeat.cron', message: 'must have 5 fields (minute hour day month weekday) or 6 with seconds first' }];
  }
  if (repeat.cron.split(/[\s,]+/).some((part) => part.startsWith('H'))) {
    // cron-parser's hashed "H" picks a new random value at every parse, and the scheduler parses
    // again for each occurrence, so no check here could bound how often it really fires.
    return [{ path: 'repeat.cron', message: 'must not use "H" (a random value); write the value itself' }];
  }
  let first: number | undefined;
  try {
    first = nextOccurrence(repeat.cron, repeat.tz, now);
  } catch (err) {
    return [{ path: 'repeat.cron', message: `is not a valid cron expression (${(err as Error).message})` }];
  }
  if (first === undefined) return [{ path: 'repeat.cron', message: 'never occurs' }];
  if (shortestGap(repeat, first) < MIN_REPEAT_INTERVAL_MS) {
    return [{ path: 'repeat.cron', message: 'must not repeat more often than once a minute' }];
  }
  return [];
}

/** More often than once a minute would make a notification centre a spam cannon. */
export const MIN_REPEAT_INTERVAL_MS = 60_000;
/** A day holds every pattern of seconds, minutes and hours a cron can have. */
const GAP_WINDOW_MS = 24 * 3600_000;
/** Within the window, gaps under the minimum end the walk early, so it takes at most a day of once-a-minute steps. */
const MAX_OCCURRENCES_CHECKED = GAP_WINDOW_MS / MIN_REPEAT_INTERVAL_MS + 3;

/**
 * The shortest time between consecutive occurrences from `first` on. Two
 * occurrences are not enough: sent at second 58 of minute m,
 * `* m,m+2 * * * *` fires at :59, then 61 s later sixty times a second apart.
 * So every occurrence in the day after the first is compared, and the walk
 * always goes on past the first occurrence's minute (which "now" may have cut
 * short) to one more pair, so a rare cron still shows a whole minute of it.
 * Returns Infinity when no two occurrences can be under a minute apart.
 */
export function shortestGap(repeat: Repeat, first: number): number {
  const expression = CronExpressionParser.parse(repeat.cron, { currentDate: new Date(first), tz: repeat.tz ?? 'UTC' });
  // One value in the seconds field (every 5-field cron): each occurrence falls in its own minute at
  // the same second, so no two can be under a minute apart, and a day of steps (a second of CPU
  // for "* * * * *") would prove nothing new.
  if (expression.fields.second.values.length === 1) return Infinity;
  const firstMinuteEnds = Math.floor(first / 60_000) * 60_000 + 60_000;
  let shortest = Infinity;
  let previous = first;
  let comparedAWholeMinute = false;
  for (let checked = 0; checked < MAX_OCCURRENCES_CHECKED; checked++) {
    if (comparedAWholeMinute && previous > first + GAP_WINDOW_MS) break;
    let next: number;
    try {
      if (!expression.hasNext()) break;
      next = expression.next().getTime();
    } catch {
      break; // cron-parser gives up on occurrences too far away; what was seen is what there is.
    }
    shortest = Math.min(shortest, next - previous);
    // A pair that starts after the first occurrence's minute saw that minute whole.
    if (previous >= firstMinuteEnds) comparedAWholeMinute = true;
    if (shortest < MIN_REPEAT_INTERVAL_MS) break;
    previous = next;
  }
  return shortest;
}

/** Epoch ms of the first occurrence strictly after `after`, in `tz` (default UTC); undefined if none. */
export function nextOccurrence(cron: string, tz: string | undefined, after: number): number | undefined {
  const expression = CronExpressionParser.parse(cron, { currentDate: new Date(after), tz: tz ?? 'UTC' });
  if (!expression.hasNext()) return undefined;
  return expression.next().getTime();
}

/** The next `count` occurrences strictly after `after` (fewer when the series ends), as the scheduler will send them. */
export function nextOccurrences(cron: string, tz: string | undefined, after: number, count: number): number[] {
  const expression = CronExpressionParser.parse(cron, { currentDate: new Date(after), tz: tz ?? 'UTC' });
  const times: number[] = [];
  while (times.length < count && expression.hasNext()) times.push(expression.next().getTime());
  return times;
}
