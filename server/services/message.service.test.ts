import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messageSchema, sendMessageRequestSchema } from '../../shared/message.schema.js';
import { asSentBy } from '../auth/seller-identity.js';
import type { MerchantRecord } from '../store/store.js';
import { messageFromRequest } from './message.service.js';

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

/** Any instant the wire format can spell: a 4-digit year and an offset up to ±14:00. */
const anyInstant = fc
  .record({
    year: fc.oneof(fc.constantFrom(0, 1, 1969, 1970, 9998, 9999), fc.integer({ min: 0, max: 9999 })),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    offsetMinutes: fc.oneof(fc.constantFrom(-14 * 60, 14 * 60, 0), fc.integer({ min: -14 * 60, max: 14 * 60 })),
  })
  .map(({ year, month, day, hour, minute, offsetMinutes }) => {
    const sign = offsetMinutes < 0 ? '-' : '+';
    const offset = `${sign}${pad(Math.trunc(offsetMinutes / 60))}:${pad(offsetMinutes % 60)}`;
    return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:00${offset}`;
  });

/** The first and last hours the wire format can spell, where an offset carries the instant out of 0000–9999. */
const edgeInstant = fc
  .record({ last: fc.boolean(), hours: fc.integer({ min: 0, max: 14 }), minute: fc.integer({ min: 0, max: 59 }) })
  .map(({ last, hours, minute }) =>
    last ? `9999-12-31T23:${pad(minute)}:00-${pad(hours)}:00` : `0000-01-01T00:${pad(minute)}:00+${pad(hours)}:00`,
  );

const wireInstant = fc.oneof(anyInstant, edgeInstant);

/** Text as a hostile client would send it: any UTF-16, lone surrogates and control characters included. */
const anyText = fc.string({ unit: 'binary', minLength: 1, maxLength: 220 });

const request = fc.record(
  {
    to: fc.constant({ userIds: ['alice'] }),
    category: fc.constantFrom('order', 'promotion'),
    priority: fc.integer({ min: 1, max: 5 }),
    title: anyText,
    body: anyText,
    deliverAt: wireInstant,
    expiresAt: wireInstant,
    collapseKey: fc.constantFrom('order:1042', 'a'),
    data: fc.jsonValue({ maxDepth: 4 }).map((value) => ({ value })),
  },
  { requiredKeys: ['to', 'category', 'title'] },
);

const seller: MerchantRecord = { id: '3f1c2a9e-0000-4000-8000-000000000001', name: 'Acme', role: 'seller', createdAt: '2026-01-01T00:00:00.000Z' };
const platform: MerchantRecord = { ...seller, id: '3f1c2a9e-0000-4000-8000-000000000002', role: 'platform' };

describe('messageFromRequest', () => {
  // The server stores what the send schema accepted; every device reads it with the stored-message
  // schema. A gap between the two is a message that is accepted with 202 and then shown nowhere.
  it('gives a message every device can read for every request the API accepts', () => {
    fc.assert(
      fc.property(request, fc.boolean(), (body, bySeller) => {
        const accepted = sendMessageRequestSchema.safeParse(body);
        fc.pre(accepted.success);
        if (!accepted.success) return;
        const merchant = bySeller ? seller : platform;
        const message = messageFromRequest(asSentBy(merchant, accepted.data), 'm-1', new Date('2026-12-01T00:00:00Z'));
        const readBack = messageSchema.safeParse(message);
        expect(readBack.error?.issues ?? []).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses, rather than stores, instants that leave the years 0000–9999 once in UTC', () => {
    const base = { to: { userIds: ['alice'] }, category: 'order', title: 'T' };
    for (const at of ['9999-12-31T23:59:59-14:00', '0000-01-01T00:00:00+14:00']) {
      expect(sendMessageRequestSchema.safeParse({ ...base, expiresAt: at }).success).toBe(false);
      expect(sendMessageRequestSchema.safeParse({ ...base, deliverAt: at }).success).toBe(false);
    }
    expect(sendMessageRequestSchema.safeParse({ ...base, deliverAt: '9999-12-31T23:59:59+14:00' }).success).toBe(true);
  });
});
