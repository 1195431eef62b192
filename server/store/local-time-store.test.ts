import { describe, expect, it } from 'vitest';
import { clockOf, planZone, toLocalTimeStatus, type LocalTimeZoneRow } from './local-time-store.js';

const NOW = Date.parse('2026-06-15T08:00:00Z');

describe('planZone', () => {
  it('plans a zone whose local time is still ahead for that time', () => {
    expect(planZone({ local: '2026-06-15T09:00', fallbackTz: 'UTC' }, 'America/Los_Angeles', NOW)).toEqual({
      targetAt: Date.parse('2026-06-15T16:00:00Z'),
      dueAt: Date.parse('2026-06-15T16:00:00Z'),
      late: false,
    });
  });

  it('sends at once, counted late, where the local time has passed; exactly now is not late', () => {
    expect(planZone({ local: '2026-06-15T09:00', fallbackTz: 'UTC' }, 'Asia/Shanghai', NOW)).toEqual({
      targetAt: Date.parse('2026-06-15T01:00:00Z'),
      dueAt: NOW,
      late: true,
    });
    expect(planZone({ local: '2026-06-15T09:00', fallbackTz: 'UTC' }, 'Europe/London', NOW)).toMatchObject({ dueAt: NOW, late: false });
  });

  it('plans a recurrence at its first local occurrence from now, never late', () => {
    expect(planZone({ cron: '0 9 * * *', fallbackTz: 'UTC' }, 'Asia/Shanghai', NOW)).toEqual({
      targetAt: Date.parse('2026-06-16T01:00:00Z'),
      dueAt: Date.parse('2026-06-16T01:00:00Z'),
      late: false,
    });
    expect(planZone({ cron: '0 9 * * *', fallbackTz: 'UTC' }, 'Europe/London', NOW)?.dueAt).toBe(NOW);
    // A series that starts later (deliverAt) starts there, in each zone.
    expect(planZone({ cron: '0 9 * * *', fallbackTz: 'UTC', startsAt: Date.parse('2026-07-01T00:00:00Z') }, 'Asia/Shanghai', NOW)?.targetAt).toBe(
      Date.parse('2026-07-01T01:00:00Z'),
    );
  });
});

describe('clockOf', () => {
  it('reads a zone this runtime does not know (older time zone data) on the fallback clock', () => {
    expect(planZone({ local: '2026-06-15T09:00', fallbackTz: 'Asia/Tokyo' }, 'Mars/Olympus', Date.parse('2026-06-14T00:00:00Z'))?.targetAt).toBe(
      Date.parse('2026-06-15T00:00:00Z'),
    );
    expect(clockOf('Europe/Berlin', 'UTC')).toBe('Europe/Berlin');
  });
});

describe('toLocalTimeStatus', () => {
  const row = (zone: string, target: string, fields: Partial<LocalTimeZoneRow>): LocalTimeZoneRow => ({
    message_id: 'm',
    zone,
    target_at: Date.parse(target),
    due_at: Date.parse(target),
    recipients: 2,
    pending: 2,
    sent: 0,
    late: 0,
    after_user_id: '',
    local_at: '2026-06-15T09:00',
    cron: null,
    fallback_tz: 'UTC',
    occurrences: 0,
    ...fields,
  });

  it('is undefined for a message without zones', () => {
    expect(toLocalTimeStatus([])).toBeUndefined();
  });

  it('sums per recipient and orders zones by their instant', () => {
    const status = toLocalTimeStatus([
      row('America/Los_Angeles', '2026-06-15T16:00:00Z', {}),
      row('Asia/Tokyo', '2026-06-15T00:00:00Z', { due_at: null, pending: 0, sent: 2, late: 2 }),
      row('Europe/Berlin', '2026-06-15T07:00:00Z', { pending: 1, sent: 1 }),
    ])!;
    expect(status).toMatchObject({
      deliverAtLocal: '2026-06-15T09:00',
      cron: null,
      fallbackTz: 'UTC',
      scheduled: 3,
      sent: 3,
      late: 2,
      first: { zone: 'Asia/Tokyo', at: '2026-06-15T00:00:00.000Z' },
      last: { zone: 'America/Los_Angeles', at: '2026-06-15T16:00:00.000Z' },
    });
    expect(status.zones.map((z) => z.zone)).toEqual(['Asia/Tokyo', 'Europe/Berlin', 'America/Los_Angeles']);
  });

  it('counts nothing as scheduled in a zone that is done or cancelled', () => {
    expect(toLocalTimeStatus([row('UTC', '2026-06-15T09:00:00Z', { due_at: null, pending: 2 })])!.scheduled).toBe(0);
  });
});
