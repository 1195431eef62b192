import { describe, expect, it } from 'vitest';
import { dayShift, previewLocalTime, previewRecipientRepeat } from './local-time-preview.js';

const iso = (at: number) => new Date(at).toISOString();

describe('previewLocalTime', () => {
  it('names the first and last zone to reach the wall time, with their UTC instants', () => {
    const preview = previewLocalTime('2026-06-15T09:00', ['Europe/Berlin', 'Asia/Tokyo', 'America/Los_Angeles', 'UTC'])!;
    expect(preview.zoneCount).toBe(4);
    expect([preview.first.zone, iso(preview.first.at)]).toEqual(['Asia/Tokyo', '2026-06-15T00:00:00.000Z']);
    expect([preview.last.zone, iso(preview.last.at)]).toEqual(['America/Los_Angeles', '2026-06-15T16:00:00.000Z']);
    expect(preview.gaps).toEqual([]);
  });

  it('spans the whole globe: Kiritimati the day before, Pago Pago last', () => {
    const preview = previewLocalTime('2026-12-01T09:00', Intl.supportedValuesOf('timeZone'))!;
    expect([preview.first.zone, iso(preview.first.at)]).toEqual(['Pacific/Kiritimati', '2026-11-30T19:00:00.000Z']);
    // UTC−11 (Pago Pago, Niue, Midway) is the last inhabited offset.
    expect(iso(preview.last.at)).toBe('2026-12-01T20:00:00.000Z');
    expect(dayShift(preview.first.at, '2026-12-01T09:00')).toBe(-1);
    expect(dayShift(preview.last.at, '2026-12-01T09:00')).toBe(0);
  });

  it('reports a zone whose clocks skip the time, and when it goes out there instead', () => {
    const preview = previewLocalTime('2026-03-08T02:30', ['America/Los_Angeles', 'Europe/Berlin'])!;
    expect(preview.gaps).toEqual([{ zone: 'America/Los_Angeles', at: Date.parse('2026-03-08T10:00:00Z'), localTime: '03:00' }]);
  });

  it('has nothing to say about a time that is not real, or no zones', () => {
    expect(previewLocalTime('2026-02-30T09:00', ['UTC'])).toBeUndefined();
    expect(previewLocalTime('', ['UTC'])).toBeUndefined();
    expect(previewLocalTime('2026-06-15T09:00', [])).toBeUndefined();
  });
});

describe('previewRecipientRepeat', () => {
  it('plans the next run on each zone’s own clock', () => {
    const after = Date.parse('2026-06-14T12:00:00Z');
    const preview = previewRecipientRepeat('0 9 * * *', ['Asia/Tokyo', 'America/Los_Angeles'], after)!;
    expect([preview.first.zone, iso(preview.first.at)]).toEqual(['America/Los_Angeles', '2026-06-14T16:00:00.000Z']);
    expect([preview.last.zone, iso(preview.last.at)]).toEqual(['Asia/Tokyo', '2026-06-15T00:00:00.000Z']);
  });

  it('has nothing to say about a cron it cannot read', () => {
    expect(previewRecipientRepeat('not a cron', ['UTC'], 0)).toBeUndefined();
  });
});
