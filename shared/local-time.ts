/**
 * Wall-clock times in a time zone, for messages delivered at each shopper's
 * local time (issue 15). Pure: the server plans with it, the console can
 * preview with it.
 *
 * The rule for daylight saving, one answer per (local time, zone):
 * - a local time that does not exist (the spring-forward gap, e.g. 02:30 in
 *   Los Angeles on the second Sunday of March) is the first instant after the
 *   gap: 03:00 local, the moment the clocks jumped;
 * - a local time that happens twice (the fall-back overlap) is its first
 *   occurrence, the one still on summer time.
 * So every shopper gets it once, never before the time asked for.
 */

/** "YYYY-MM-DDTHH:MM": a wall-clock time without seconds or offset. */
export const LOCAL_DATE_TIME_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/**
 * The wall-clock time as if it were UTC (epoch ms), or undefined when the text
 * is not a real date and time (2026-02-30T09:00, 24:00).
 */
export function parseLocalDateTime(text: string): number | undefined {
  const match = LOCAL_DATE_TIME_PATTERN.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute] = match.slice(1).map(Number) as [number, number, number, number, number];
  if (hour > 23 || minute > 59) return undefined;
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const date = new Date(wall);
  // Date.UTC rolls 30 February over into March; a real date reads back as itself.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return wall;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** The zone's offset from UTC at `instant` (ms; Berlin in summer: +7,200,000), to the second. */
export function offsetAt(zone: string, instant: number): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - Math.floor(instant / 1000) * 1000;
}

/** Zones change their offset at most once in any two days, so the offsets a day either side are every candidate. */
const DAY_MS = 24 * 3600_000;

/**
 * The instant at which the clocks in `zone` show `wall` (from parseLocalDateTime),
 * with the gap and overlap rule above.
 */
export function instantOfLocal(wall: number, zone: string): number {
  const before = offsetAt(zone, wall - DAY_MS);
  const after = offsetAt(zone, wall + DAY_MS);
  // Each offset gives one reading of the wall time; it is real when the zone has that offset then.
  const real = [wall - before, wall - after].filter((instant, i) => offsetAt(zone, instant) === (i === 0 ? before : after));
  if (real.length > 0) return Math.min(...real);
  // In the gap: the wall time falls between the two readings; the jump is the first instant after it.
  return transitionBetween(zone, wall - after, wall - before);
}

/** The first instant in (from, to] whose offset differs from the one at `from`: where the clocks jumped. */
function transitionBetween(zone: string, from: number, to: number): number {
  const offset = offsetAt(zone, from);
  let low = from;
  let high = to;
  // Offsets change on whole seconds; halve until the two ends are a second apart.
  while (high - low > 1000) {
    const middle = Math.floor((low + high) / 2000) * 1000;
    if (offsetAt(zone, middle) === offset) low = middle;
    else high = middle;
  }
  return high;
}

/** The local wall time of `instant` in `zone`, as "YYYY-MM-DDTHH:MM" (for previews and tests). */
export function localDateTimeAt(instant: number, zone: string): string {
  return new Date(instant + offsetAt(zone, instant)).toISOString().slice(0, 16);
}
