import { CronExpressionParser } from 'cron-parser';
import type { Repeat } from '../../shared/message.schema.js';

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
 * never sent.
 */
export function repeatProblems(repeat: Repeat, now: number): { path: string; message: string }[] {
  if (repeat.tz !== undefined && !isKnownTimeZone(repeat.tz)) {
    return [{ path: 'repeat.tz', message: `unknown time zone "${repeat.tz}"; use an IANA name such as Europe/Berlin` }];
  }
  const fields = repeat.cron.split(/\s+/).length;
  if (fields !== 5 && fields !== 6) {
    return [{ path: 'repeat.cron', message: 'must have 5 fields (minute hour day month weekday) or 6 with seconds first' }];
  }
  try {
    if (nextOccurrence(repeat.cron, repeat.tz, now) === undefined) {
      return [{ path: 'repeat.cron', message: 'never occurs' }];
    }
  } catch (err) {
    return [{ path: 'repeat.cron', message: `is not a valid cron expression (${(err as Error).message})` }];
  }
  // More often than once a minute would make a notification centre a spam cannon.
  const first = nextOccurrence(repeat.cron, repeat.tz, now)!;
  const second = nextOccurrence(repeat.cron, repeat.tz, first);
  if (second !== undefined && second - first < 60_000) {
    return [{ path: 'repeat.cron', message: 'must not repeat more often than once a minute' }];
  }
  return [];
}

/** Epoch ms of the first occurrence strictly after `after`, in `tz` (default UTC); undefined if none. */
export function nextOccurrence(cron: string, tz: string | undefined, after: number): number | undefined {
  const expression = CronExpressionParser.parse(cron, { currentDate: new Date(after), tz: tz ?? 'UTC' });
  if (!expression.hasNext()) return undefined;
  return expression.next().getTime();
}
