import { describe, expect, it } from 'vitest';
import { instantOfLocal, localDateTimeAt, offsetAt, parseLocalDateTime } from './local-time.js';

const at = (local: string, zone: string) => new Date(instantOfLocal(parseLocalDateTime(local)!, zone)).toISOString();

describe('parseLocalDateTime', () => {
  it('reads a wall-clock time as if it were UTC', () => {
    expect(parseLocalDateTime('2026-03-08T02:30')).toBe(Date.UTC(2026, 2, 8, 2, 30));
  });

  it.each(['2026-02-30T09:00', '2026-13-01T09:00', '2026-03-08T24:00', '2026-03-08T09:60', '2026-03-08T09:00:00', '2026-03-08T09:00Z', '2026-03-08 09:00', '26-03-08T09:00'])(
    'refuses %s',
    (text) => {
      expect(parseLocalDateTime(text)).toBeUndefined();
    },
  );
});

describe('instantOfLocal', () => {
  it('gives the instant of an ordinary local time in each zone', () => {
    expect(at('2026-06-15T09:00', 'Asia/Shanghai')).toBe('2026-06-15T01:00:00.000Z');
    expect(at('2026-06-15T09:00', 'Europe/Berlin')).toBe('2026-06-15T07:00:00.000Z');
    expect(at('2026-06-15T09:00', 'America/Los_Angeles')).toBe('2026-06-15T16:00:00.000Z');
    expect(at('2026-06-15T09:00', 'UTC')).toBe('2026-06-15T09:00:00.000Z');
    // Southern winter: Lord Howe on +10:30, Chatham on +12:45.
    expect(at('2026-06-15T09:00', 'Australia/Lord_Howe')).toBe('2026-06-14T22:30:00.000Z');
    expect(at('2026-06-15T09:00', 'Pacific/Chatham')).toBe('2026-06-14T20:15:00.000Z');
  });

  describe('a time in the spring-forward gap is the first instant after it', () => {
    it.each([
      // Los Angeles jumps 02:00 → 03:00 on 8 March 2026.
      ['America/Los_Angeles', '2026-03-08T02:30', '2026-03-08T10:00:00.000Z', '2026-03-08T03:00'],
      ['America/Los_Angeles', '2026-03-08T02:00', '2026-03-08T10:00:00.000Z', '2026-03-08T03:00'],
      // Berlin jumps 02:00 → 03:00 on 29 March 2026.
      ['Europe/Berlin', '2026-03-29T02:30', '2026-03-29T01:00:00.000Z', '2026-03-29T03:00'],
      // Lord Howe jumps only half an hour, 02:00 → 02:30, on 4 October 2026.
      ['Australia/Lord_Howe', '2026-10-04T02:15', '2026-10-03T15:30:00.000Z', '2026-10-04T02:30'],
      // Chatham jumps 02:45 → 03:45 on 27 September 2026.
      ['Pacific/Chatham', '2026-09-27T03:00', '2026-09-26T14:00:00.000Z', '2026-09-27T03:45'],
    ])('%s %s', (zone, local, instant, shown) => {
      expect(at(local, zone)).toBe(instant);
      expect(localDateTimeAt(Date.parse(instant), zone)).toBe(shown);
    });

    it('and the minute just before the gap is still itself', () => {
      expect(localDateTimeAt(Date.parse(at('2026-03-08T01:59', 'America/Los_Angeles')), 'America/Los_Angeles')).toBe('2026-03-08T01:59');
    });
  });

  describe('a time in the fall-back overlap is its first occurrence', () => {
    it.each([
      // Los Angeles: 01:30 happens on -07:00, then again on -08:00 (1 November 2026).
      ['America/Los_Angeles', '2026-11-01T01:30', '2026-11-01T08:30:00.000Z', -7],
      // Berlin: 02:30 on +02:00, then on +01:00 (25 October 2026).
      ['Europe/Berlin', '2026-10-25T02:30', '2026-10-25T00:30:00.000Z', 2],
      // Lord Howe: 01:45 on +11:00, then on +10:30 (5 April 2026).
      ['Australia/Lord_Howe', '2026-04-05T01:45', '2026-04-04T14:45:00.000Z', 11],
      // Chatham: 03:00 on +13:45, then on +12:45 (5 April 2026).
      ['Pacific/Chatham', '2026-04-05T03:00', '2026-04-04T13:15:00.000Z', 13.75],
    ])('%s %s', (zone, local, instant, offsetHours) => {
      expect(at(local, zone)).toBe(instant);
      expect(offsetAt(zone, Date.parse(instant))).toBe(offsetHours * 3600_000);
      // The second occurrence is an hour (Lord Howe: half an hour) later and shows the same wall time.
      const second = Date.parse(instant) + (zone === 'Australia/Lord_Howe' ? 1800_000 : 3600_000);
      expect(localDateTimeAt(second, zone)).toBe(local);
    });
  });

  it('has no daylight saving to handle in Shanghai: every local time is one instant', () => {
    expect(at('2026-03-08T02:30', 'Asia/Shanghai')).toBe('2026-03-07T18:30:00.000Z');
    expect(at('2026-11-01T01:30', 'Asia/Shanghai')).toBe('2026-10-31T17:30:00.000Z');
  });

  it('round-trips every quarter hour of a year in each zone, outside the gaps', () => {
    for (const zone of ['America/Los_Angeles', 'Europe/Berlin', 'Asia/Shanghai', 'Australia/Lord_Howe', 'Pacific/Chatham']) {
      for (let instant = Date.UTC(2026, 0, 1); instant < Date.UTC(2027, 0, 1); instant += 6 * 3600_000 + 15 * 60_000) {
        const local = localDateTimeAt(instant, zone);
        const back = instantOfLocal(parseLocalDateTime(local)!, zone);
        // Either the same instant or, in an overlap, the earlier reading of the same wall time.
        expect(back <= instant && localDateTimeAt(back, zone) === local, `${zone} ${local}`).toBe(true);
      }
    }
  });
});
