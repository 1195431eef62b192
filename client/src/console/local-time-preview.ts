import { instantOfLocal, localDateTimeAt, parseLocalDateTime } from '../../../shared/local-time.js';
import { nextOccurrence } from '../../../shared/recurrence.js';

/** One zone's delivery: the UTC instant its shoppers' clocks reach the time asked for. */
export interface ZoneInstant {
  zone: string;
  at: number;
}

/** A zone where the wall time does not exist that day (spring forward): it goes out when the clocks jump. */
export interface ZoneGap extends ZoneInstant {
  /** The local time it goes out at instead, "HH:MM". */
  localTime: string;
}

export interface LocalTimePreview {
  first: ZoneInstant;
  last: ZoneInstant;
  zoneCount: number;
  gaps: ZoneGap[];
}

/**
 * When a message for `wallText` ("YYYY-MM-DDTHH:MM") reaches each of `zones`,
 * planned with the server's own code (shared/local-time.ts): the first and
 * last zone, and the zones whose clocks skip that time. Undefined for a text
 * that is not a real date and time, or no zones.
 */
export function previewLocalTime(wallText: string, zones: readonly string[]): LocalTimePreview | undefined {
  const wall = parseLocalDateTime(wallText);
  if (wall === undefined) return undefined;
  return spread(zones.map((zone) => ({ zone, at: instantOfLocal(wall, zone) })), (planned) => localDateTimeAt(planned.at, planned.zone) !== wallText);
}

/**
 * The next run of `cron` read on each zone's own clock (repeat.tz "recipient"),
 * the way the scheduler plans each zone's occurrence. Undefined when the cron
 * never runs or cannot be read.
 */
export function previewRecipientRepeat(cron: string, zones: readonly string[], after: number): LocalTimePreview | undefined {
  try {
    const planned = zones.flatMap((zone) => {
      const at = nextOccurrence(cron, zone, after);
      return at === undefined ? [] : [{ zone, at }];
    });
    return spread(planned, () => false);
  } catch {
    return undefined;
  }
}

function spread(planned: readonly ZoneInstant[], inGap: (planned: ZoneInstant) => boolean): LocalTimePreview | undefined {
  if (planned.length === 0) return undefined;
  let first = planned[0]!;
  let last = planned[0]!;
  for (const zone of planned) {
    if (zone.at < first.at) first = zone;
    if (zone.at > last.at) last = zone;
  }
  const gaps = planned.filter(inGap).map((zone) => ({ ...zone, localTime: localDateTimeAt(zone.at, zone.zone).slice(11) }));
  return { first, last, zoneCount: planned.length, gaps };
}

/** -1, 0 or 1: the UTC day of `instant` against the day of the wall time asked for ("the day before"). */
export function dayShift(instant: number, wallText: string): number {
  const wall = parseLocalDateTime(wallText.slice(0, 10) + 'T00:00');
  if (wall === undefined) return 0;
  const day = Math.floor(instant / 86_400_000) - Math.floor(wall / 86_400_000);
  return Math.sign(day);
}
