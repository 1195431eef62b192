import { describe, expect, it } from 'vitest';
import { nextOccurrence, repeatProblems } from './recurrence.js';

const at = (iso: string) => Date.parse(iso);

describe('nextOccurrence', () => {
  it('follows the time zone, summer and winter time included', () => {
    expect(new Date(nextOccurrence('0 9 * * *', 'Europe/Berlin', at('2026-07-01T00:00:00Z'))!).toISOString()).toBe('2026-07-01T07:00:00.000Z');
    expect(new Date(nextOccurrence('0 9 * * *', 'Europe/Berlin', at('2026-12-01T00:00:00Z'))!).toISOString()).toBe('2026-12-01T08:00:00.000Z');
  });

  it('is strictly after the given instant and defaults to UTC', () => {
    expect(new Date(nextOccurrence('0 9 * * *', undefined, at('2026-07-01T09:00:00Z'))!).toISOString()).toBe('2026-07-02T09:00:00.000Z');
  });
});

describe('repeatProblems', () => {
  const now = at('2026-07-01T00:00:00Z');
  it('accepts a weekly cron in a known zone', () => {
    expect(repeatProblems({ cron: '0 9 * * 1', tz: 'America/New_York' }, now)).toEqual([]);
  });

  it.each([
    [{ cron: 'not a cron' }, 'repeat.cron'],
    [{ cron: '61 9 * * *' }, 'repeat.cron'],
    [{ cron: '* * * * * *' }, 'repeat.cron'],
    [{ cron: '0 9 * * *', tz: 'Europe/Atlantis' }, 'repeat.tz'],
  ])('names the field of %j', (repeat, path) => {
    expect(repeatProblems(repeat, now).map((p) => p.path)).toEqual([path]);
  });
});
