import { describe, expect, it } from 'vitest';
import { dayNumberOf } from '../../shared/delivery-stats.schema.js';
import { localDayWindows, startOfLocalDay } from './local-days.js';

const start = (day: string, tz: string) => new Date(startOfLocalDay(dayNumberOf(day)!, tz)).toISOString();

describe('where a local day begins', () => {
  it.each([
    ['UTC', '2026-03-01', '2026-03-01T00:00:00.000Z'],
    ['Asia/Shanghai', '2026-03-01', '2026-02-28T16:00:00.000Z'],
    ['America/New_York', '2026-03-01', '2026-03-01T05:00:00.000Z'],
    ['Asia/Kathmandu', '2026-03-01', '2026-02-28T18:15:00.000Z'], // +05:45
    ['Pacific/Kiritimati', '2026-03-01', '2026-02-28T10:00:00.000Z'], // +14
    ['Pacific/Pago_Pago', '2026-03-01', '2026-03-01T11:00:00.000Z'], // -11
    // Chile moves its clocks at midnight: on 6 September 2026 there is no 00:00, the day begins at 01:00 (-03:00).
    ['America/Santiago', '2026-09-06', '2026-09-06T04:00:00.000Z'],
  ])('in %s, %s begins at %s', (tz, day, instant) => {
    expect(start(day, tz)).toBe(instant);
  });
});

describe('localDayWindows', () => {
  it('gives each day once, back to back, 23 and 25 hours long where summer time starts and ends', () => {
    const windows = localDayWindows('2026-03-28', '2026-03-30', 'Europe/Paris');
    expect(windows.map((w) => w.day)).toEqual(['2026-03-28', '2026-03-29', '2026-03-30']);
    for (let i = 1; i < windows.length; i++) expect(windows[i]!.start).toBe(windows[i - 1]!.end);
    const hours = windows.map((w) => (Date.parse(w.end) - Date.parse(w.start)) / 3_600_000);
    expect(hours).toEqual([24, 23, 24]);
    const autumn = localDayWindows('2026-10-25', '2026-10-25', 'Europe/Paris')[0]!;
    expect((Date.parse(autumn.end) - Date.parse(autumn.start)) / 3_600_000).toBe(25);
  });

  it('covers 92 days in a zone without summer time with 92 whole days', () => {
    const windows = localDayWindows('2026-01-01', '2026-04-02', 'Asia/Shanghai');
    expect(windows).toHaveLength(92);
    expect(windows.every((w) => Date.parse(w.end) - Date.parse(w.start) === 86_400_000)).toBe(true);
  });
});
