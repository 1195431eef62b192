import { describe, expect, it } from 'vitest';
import { nextOccurrence, nextOccurrences, repeatProblems } from './recurrence.js';

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

  it('accepts tz "recipient" (each recipient\'s zone) and checks its cron all the same', () => {
    expect(repeatProblems({ cron: '0 9 * * *', tz: 'recipient' }, now)).toEqual([]);
    expect(repeatProblems({ cron: '* * * * * *', tz: 'recipient' }, now).map((p) => p.path)).toEqual(['repeat.cron']);
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

describe('repeatProblems: the minimum interval over the whole pattern', () => {
  // Issue 9: sent at second 58 of minute 10, the first two occurrences (10:59, 12:00) are 61 s apart,
  // and then minute 12 fires sixty times a second apart.
  const atSecond58 = at('2026-07-01T09:10:58Z');

  it('refuses the exploit that compared only the first two occurrences', () => {
    expect(nextOccurrence('* 10,12 * * * *', undefined, atSecond58)).toBe(at('2026-07-01T09:10:59Z'));
    expect(nextOccurrence('* 10,12 * * * *', undefined, at('2026-07-01T09:10:59Z'))).toBe(at('2026-07-01T09:12:00Z'));
    expect(repeatProblems({ cron: '* 10,12 * * * *' }, atSecond58)).toEqual([
      { path: 'repeat.cron', message: 'must not repeat more often than once a minute' },
    ]);
  });

  it.each([
    ['0,30 0 9 * * *', 'twice a day 30 s apart, hours from now'],
    ['0,1 0 0 1 1 *', 'once a year, a second apart'],
    ['58,59 10 9 1 7 *', 'a minute "now" has cut short, then the same a year later'],
  ])('refuses %j (%s)', (cron) => {
    expect(repeatProblems({ cron }, atSecond58)).toEqual([{ path: 'repeat.cron', message: 'must not repeat more often than once a minute' }]);
  });

  // cron-parser draws a new random value for "H" at every parse, and the scheduler parses once per
  // occurrence: "H * * * * *" passed the check and then fired about every 20 s.
  it.each(['H * * * * *', 'H(0-29)/5 * * * * *', '1-2,H * * * * *', '0 H * * * *'])('refuses the random "H" in %j', (cron) => {
    expect(repeatProblems({ cron }, atSecond58)).toEqual([
      { path: 'repeat.cron', message: 'must not use "H" (a random value); write the value itself' },
    ]);
  });

  it.each(['* * * * *', '0 * * * * *', '0 9 * * THU', '30 */5 * * * *', '0 9 * * 1-5', '0 0 29 2 *', '15 30 1 * * *'])('accepts %j', (cron) => {
    expect(repeatProblems({ cron, tz: 'Europe/Berlin' }, atSecond58)).toEqual([]);
  });
});

describe('nextOccurrences', () => {
  it('lists the next times in the zone of the cron, each strictly after the one before', () => {
    const mondaysInShanghai = nextOccurrences('0 9 * * 1', 'Asia/Shanghai', Date.parse('2026-01-05T01:00:00Z'), 3);
    expect(mondaysInShanghai.map((ms) => new Date(ms).toISOString())).toEqual([
      '2026-01-12T01:00:00.000Z',
      '2026-01-19T01:00:00.000Z',
      '2026-01-26T01:00:00.000Z',
    ]);
    expect(nextOccurrences('0 9 * * 1', 'Asia/Shanghai', Date.parse('2026-01-05T01:00:00Z'), 1)[0]).toBe(
      nextOccurrence('0 9 * * 1', 'Asia/Shanghai', Date.parse('2026-01-05T01:00:00Z')),
    );
  });
});
