import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PREFERENCES, type Preferences } from './preferences.schema.js';
import { isInQuietHours, isMinuteInWindow, localMinuteOfDay, minutesOf, quietHoursEnd } from './quiet-hours.js';

const minute = fc.integer({ min: 0, max: 1439 });
// From 1992: China kept daylight saving time until 1991.
const instant = fc.date({ min: new Date('1992-01-01T00:00:00Z'), max: new Date('2090-01-01T00:00:00Z'), noInvalidDate: true });
const clock = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

function quiet(start: string, end: string, timeZone = 'UTC', allowUrgent = true): Preferences {
  return { ...DEFAULT_PREFERENCES, quietHours: { start, end, allowUrgent, deferred: false }, timeZone };
}

describe('isMinuteInWindow', () => {
  it('splits the day in two: a window and its reverse never overlap and together cover every minute', () => {
    fc.assert(
      fc.property(minute, minute, minute, (m, start, end) => {
        fc.pre(start !== end);
        expect(isMinuteInWindow(m, start, end)).toBe(!isMinuteInWindow(m, end, start));
      }),
    );
  });

  it('is half-open: the start minute is inside, the end minute is not', () => {
    fc.assert(
      fc.property(minute, minute, (start, end) => {
        fc.pre(start !== end);
        expect(isMinuteInWindow(start, start, end)).toBe(true);
        expect(isMinuteInWindow(end, start, end)).toBe(false);
      }),
    );
  });

  it('treats start == end as no window at all', () => {
    fc.assert(fc.property(minute, minute, (m, t) => {
        expect(isMinuteInWindow(m, t, t)).toBe(false);
      }));
  });
});

describe('localMinuteOfDay', () => {
  it('reads the UTC clock in UTC', () => {
    fc.assert(
      fc.property(instant, (now) => {
        expect(localMinuteOfDay(now, 'UTC')).toBe(now.getUTCHours() * 60 + now.getUTCMinutes());
      }),
    );
  });

  it('reads a fixed offset zone as UTC shifted (Shanghai is UTC+8 all year)', () => {
    fc.assert(
      fc.property(instant, (now) => {
        expect(localMinuteOfDay(now, 'Asia/Shanghai')).toBe((now.getUTCHours() * 60 + now.getUTCMinutes() + 480) % 1440);
      }),
    );
  });

  it('reads an unknown zone as UTC instead of throwing', () => {
    expect(localMinuteOfDay(new Date('2026-05-01T10:15:00Z'), 'Mars/Olympus_Mons')).toBe(615);
  });
});

describe('isInQuietHours', () => {
  it('is never quiet without quiet hours', () => {
    fc.assert(fc.property(instant, (now) => {
        expect(isInQuietHours(DEFAULT_PREFERENCES, now)).toBe(false);
      }));
  });

  it('follows the local clock across midnight (22:00–07:00)', () => {
    fc.assert(
      fc.property(instant, (now) => {
        const hour = now.getUTCHours();
        expect(isInQuietHours(quiet('22:00', '07:00'), now)).toBe(hour >= 22 || hour < 7);
      }),
    );
    expect(isInQuietHours(quiet('22:00', '07:00'), new Date('2026-01-01T21:59:59Z'))).toBe(false);
    expect(isInQuietHours(quiet('22:00', '07:00'), new Date('2026-01-01T22:00:00Z'))).toBe(true);
    expect(isInQuietHours(quiet('22:00', '07:00'), new Date('2026-01-02T06:59:59Z'))).toBe(true);
    expect(isInQuietHours(quiet('22:00', '07:00'), new Date('2026-01-02T07:00:00Z'))).toBe(false);
  });

  it('agrees with the window rule for any window and instant', () => {
    fc.assert(
      fc.property(minute, minute, instant, (start, end, now) => {
        const local = now.getUTCHours() * 60 + now.getUTCMinutes();
        expect(isInQuietHours(quiet(clock(start), clock(end)), now)).toBe(isMinuteInWindow(local, start, end));
        expect(minutesOf(clock(start))).toBe(start);
      }),
    );
  });

  it('uses the shopper’s zone, so the same instant is quiet in Shanghai and not in Paris', () => {
    const now = new Date('2026-01-15T15:00:00Z'); // 23:00 in Shanghai, 16:00 in Paris
    expect(isInQuietHours(quiet('22:00', '07:00', 'Asia/Shanghai'), now)).toBe(true);
    expect(isInQuietHours(quiet('22:00', '07:00', 'Europe/Paris'), now)).toBe(false);
  });

  it('moves with daylight saving time (London: GMT in winter, BST in summer)', () => {
    const prefs = quiet('22:00', '07:00', 'Europe/London');
    expect(isInQuietHours(prefs, new Date('2026-07-01T21:30:00Z'))).toBe(true); // 22:30 BST
    expect(isInQuietHours(prefs, new Date('2026-01-01T21:30:00Z'))).toBe(false); // 21:30 GMT
    expect(isInQuietHours(prefs, new Date('2026-07-01T06:30:00Z'))).toBe(false); // 07:30 BST
    expect(isInQuietHours(prefs, new Date('2026-01-01T06:30:00Z'))).toBe(true); // 06:30 GMT
  });

  it('starts a window that begins in the spring-forward gap at the first real local time after it', () => {
    // New York, 8 March 2026: 01:59 EST is followed by 03:00 EDT (07:00 UTC).
    const prefs = quiet('02:30', '07:00', 'America/New_York');
    expect(isInQuietHours(prefs, new Date('2026-03-08T06:59:00Z'))).toBe(false);
    expect(isInQuietHours(prefs, new Date('2026-03-08T07:00:00Z'))).toBe(true);
  });

  it('judges both passes of the repeated autumn hour alike', () => {
    // New York, 1 November 2026: 01:00–01:59 happens in EDT (05:xx UTC), then again in EST (06:xx UTC).
    const prefs = quiet('01:00', '02:00', 'America/New_York');
    expect(isInQuietHours(prefs, new Date('2026-11-01T05:30:00Z'))).toBe(true);
    expect(isInQuietHours(prefs, new Date('2026-11-01T06:30:00Z'))).toBe(true);
    expect(isInQuietHours(prefs, new Date('2026-11-01T07:00:00Z'))).toBe(false); // 02:00 EST
  });
});

describe('quietHoursEnd', () => {
  const zone = fc.constantFrom('UTC', 'Asia/Shanghai', 'Europe/Berlin', 'America/Los_Angeles', 'Australia/Lord_Howe', 'Asia/Kolkata');

  it('is the first instant after quiet hours: quiet a minute before, not quiet at it, within a day', () => {
    fc.assert(
      fc.property(minute, minute, zone, instant, (start, end, timeZone, now) => {
        const preferences = quiet(clock(start), clock(end), timeZone);
        const ends = quietHoursEnd(preferences, now);
        if (!isInQuietHours(preferences, now)) {
          expect(ends).toBeUndefined();
          return;
        }
        expect(ends!.getTime()).toBeGreaterThan(now.getTime());
        expect(isInQuietHours(preferences, ends!)).toBe(false);
        expect(ends!.getTime() - now.getTime()).toBeLessThanOrEqual(26 * 3600_000);
      }),
    );
  });

  it('ends 22:00–07:00 at 07:00 on the shopper\'s wall clock', () => {
    const shanghai = quiet('22:00', '07:00', 'Asia/Shanghai');
    // 23:30 in Shanghai (UTC+8); 07:00 there is 23:00 UTC the same day.
    expect(quietHoursEnd(shanghai, new Date('2026-06-01T15:30:00Z'))?.toISOString()).toBe('2026-06-01T23:00:00.000Z');
    expect(quietHoursEnd(shanghai, new Date('2026-06-01T23:00:00Z'))).toBeUndefined();
  });
});
