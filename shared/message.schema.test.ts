import { describe, expect, it } from 'vitest';
import { FORBIDDEN_DATA_KEYS } from './bounded-json.js';
import { LIMITS } from './limits.js';
import { correctMessageRequestSchema, messageSchema, sendMessageRequestSchema } from './message.schema.js';

const base = { to: { userIds: ['u1'] }, category: 'order', title: 'Shipped' };

describe('sendMessageRequestSchema', () => {
  it('fills type and priority defaults and normalises instants to UTC', () => {
    const parsed = sendMessageRequestSchema.parse({ ...base, expiresAt: '2999-01-01T09:00:00+08:00' });
    expect(parsed).toMatchObject({ type: 'system', priority: 3, expiresAt: '2999-01-01T01:00:00.000Z' });
  });

  it('requires a sender exactly for user messages', () => {
    expect(sendMessageRequestSchema.safeParse({ ...base, type: 'user', sender: { id: 's1', name: 'Seller' } }).success).toBe(true);
    expect(sendMessageRequestSchema.safeParse({ ...base, type: 'user' }).success).toBe(false);
    expect(sendMessageRequestSchema.safeParse({ ...base, sender: { id: 's1', name: 'Seller' } }).success).toBe(false);
  });

  it('measures data in UTF-8 bytes, not characters', () => {
    const wide = '界'.repeat(1400); // 4200 bytes in UTF-8, 1400 characters
    expect(sendMessageRequestSchema.safeParse({ ...base, data: { note: wide } }).success).toBe(false);
    expect(sendMessageRequestSchema.safeParse({ ...base, data: { note: 'x'.repeat(1400) } }).success).toBe(true);
  });

  it('refuses upper-case categories and odd collapse keys', () => {
    expect(sendMessageRequestSchema.safeParse({ ...base, category: 'Order' }).success).toBe(false);
    expect(sendMessageRequestSchema.safeParse({ ...base, collapseKey: 'order 1042' }).success).toBe(false);
    expect(sendMessageRequestSchema.safeParse({ ...base, collapseKey: 'order:1042' }).success).toBe(true);
  });
});

describe('sendMessageRequestSchema: audience and schedule', () => {
  const content = { category: 'promotion', title: 'Sale' };

  it('takes exactly one of userIds or topic', () => {
    expect(sendMessageRequestSchema.safeParse({ ...content, to: { topic: 'promotions' } }).success).toBe(true);
    expect(sendMessageRequestSchema.safeParse({ ...content, to: { userIds: ['u1'], topic: 'promotions' } }).success).toBe(false);
    expect(sendMessageRequestSchema.safeParse({ ...content, to: {} }).success).toBe(false);
    expect(sendMessageRequestSchema.safeParse({ ...content, to: { topic: 'Promotions' } }).success).toBe(false);
  });

  it('defaults the type to scheduled when a time is given, and keeps an explicit user type', () => {
    const later = '2999-01-01T09:00:00+01:00';
    expect(sendMessageRequestSchema.parse({ ...base, deliverAt: later })).toMatchObject({ type: 'scheduled', deliverAt: '2999-01-01T08:00:00.000Z' });
    expect(sendMessageRequestSchema.parse({ ...base, repeat: { cron: '0 9 * * *' } }).type).toBe('scheduled');
    expect(sendMessageRequestSchema.parse(base).type).toBe('system');
    const user = { ...base, type: 'user', sender: { id: 's1', name: 'Seller' }, deliverAt: later };
    expect(sendMessageRequestSchema.parse(user).type).toBe('user');
  });

  it('refuses an expiry before the delivery time, and expiry with repeat', () => {
    expect(sendMessageRequestSchema.safeParse({ ...base, deliverAt: '2999-01-02T00:00:00Z', expiresAt: '2999-01-01T00:00:00Z' }).success).toBe(false);
    expect(sendMessageRequestSchema.safeParse({ ...base, repeat: { cron: '0 9 * * *' }, expiresAt: '2999-01-01T00:00:00Z' }).success).toBe(false);
  });
});

describe('sendMessageRequestSchema: at each recipient\'s local time', () => {
  const pathsOf = (extra: Record<string, unknown>) => {
    const result = sendMessageRequestSchema.safeParse({ ...base, ...extra });
    return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
  };

  it('takes a wall-clock time with a fallback zone, as a scheduled message', () => {
    expect(sendMessageRequestSchema.parse({ ...base, deliverAtLocal: '2999-06-15T09:00', fallbackTz: 'Asia/Tokyo' })).toMatchObject({
      type: 'scheduled',
      deliverAtLocal: '2999-06-15T09:00',
      fallbackTz: 'Asia/Tokyo',
    });
    expect(pathsOf({ repeat: { cron: '0 9 * * *', tz: 'recipient' }, fallbackTz: 'Europe/Berlin' })).toEqual([]);
  });

  it.each([
    [{ deliverAtLocal: '2999-06-15T09:00:00' }, 'deliverAtLocal'],
    [{ deliverAtLocal: '2999-06-15T09:00Z' }, 'deliverAtLocal'],
    [{ deliverAtLocal: '2999-06-31T09:00' }, 'deliverAtLocal'],
    [{ deliverAtLocal: '2999-06-15T09:00', fallbackTz: 'Europe/Atlantis' }, 'fallbackTz'],
    [{ deliverAtLocal: '2999-06-15T09:00', deliverAt: '2999-06-15T09:00:00Z' }, 'deliverAtLocal'],
    [{ deliverAtLocal: '2999-06-15T09:00', repeat: { cron: '0 9 * * *' } }, 'deliverAtLocal'],
    [{ fallbackTz: 'Europe/Berlin', deliverAt: '2999-06-15T09:00:00Z' }, 'fallbackTz'],
  ])('refuses %j at its path', (extra, path) => {
    expect(pathsOf(extra)).toEqual([path]);
  });
});

describe('sendMessageRequestSchema: the shape of data', () => {
  const issuesOf = (data: unknown) => {
    const result = sendMessageRequestSchema.safeParse({ ...base, data });
    return result.success ? [] : result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  };
  const nest = (depth: number) => {
    let value: unknown = 'leaf';
    for (let i = 1; i < depth; i++) value = [value];
    return { x: value };
  };

  it(`nests at most ${LIMITS.dataDepth} levels, data itself included`, () => {
    expect(issuesOf(nest(LIMITS.dataDepth))).toEqual([]);
    expect(issuesOf(nest(LIMITS.dataDepth + 1))).toEqual([{ path: `data.x${'.0'.repeat(LIMITS.dataDepth - 1)}`, message: expect.stringContaining('deep') }]);
  });

  it('refuses the issue 9 reproducers (1,500 and 3,000 arrays deep) with a failed result', () => {
    expect(issuesOf(nest(1_500))).toHaveLength(1);
    expect(issuesOf(nest(3_000))).toHaveLength(1);
  });

  it('bounds keys per object, items per array and values in all', () => {
    const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 0]));
    expect(issuesOf(keys(LIMITS.dataKeysPerObject))).toEqual([]);
    expect(issuesOf(keys(LIMITS.dataKeysPerObject + 1))[0]?.message).toMatch(/keys/);
    expect(issuesOf({ a: Array(LIMITS.dataArrayLength).fill(0) })).toEqual([]);
    expect(issuesOf({ a: Array(LIMITS.dataArrayLength + 1).fill(0) })[0]).toEqual({ path: 'data.a', message: expect.stringMatching(/items/) });
    const many = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`k${i}`, Array(200).fill(0)]));
    expect(issuesOf(many)[0]?.message).toMatch(`at most ${LIMITS.dataNodes} values`);
  });

  it.each(FORBIDDEN_DATA_KEYS)('refuses a %j key anywhere inside data instead of dropping it', (key) => {
    // JSON.parse, like the body parser, makes "__proto__" an own key rather than a prototype.
    const data = JSON.parse(`{"order": {"lines": [{"${key}": {"admin": true}}]}}`) as unknown;
    expect(issuesOf(data)).toEqual([{ path: `data.order.lines.0.${key}`, message: `key "${key}" is not allowed` }]);
    expect(issuesOf(JSON.parse(`{"${key}": 1}`))).toEqual([{ path: `data.${key}`, message: `key "${key}" is not allowed` }]);
  });

  it('bounds the stored message the same way, so reading one fails instead of throwing', () => {
    const stored = { id: 'm1', type: 'system', category: 'order', priority: 3, title: 'x', createdAt: '2026-01-01T00:00:00.000Z' };
    expect(messageSchema.safeParse({ ...stored, data: nest(10_000) }).success).toBe(false);
    expect(messageSchema.safeParse({ ...stored, data: nest(3) }).success).toBe(true);
  });
});

describe('pictures (icon, image)', () => {
  const issues = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
    (result.error?.issues ?? []).map((issue) => [issue.path.join('.'), issue.message]);

  it('takes https or a same-origin path', () => {
    for (const url of ['https://cdn.example/i.png', 'HTTPS://cdn.example/i.png', '/icons/order.png']) {
      expect(sendMessageRequestSchema.safeParse({ ...base, icon: url, image: url }).success, url).toBe(true);
      expect(correctMessageRequestSchema.safeParse({ icon: url, image: url }).success, url).toBe(true);
    }
  });

  it('refuses http on the way in, sending or correcting, naming the field', () => {
    const message = expect.stringContaining('must be an https URL or a same-origin path');
    expect(issues(sendMessageRequestSchema.safeParse({ ...base, icon: 'http://cdn.example/i.png', image: 'HTTP://cdn.example/p.jpg' }))).toEqual([
      ['icon', message],
      ['image', message],
    ]);
    expect(issues(correctMessageRequestSchema.safeParse({ image: 'http://cdn.example/p.jpg' }))).toEqual([['image', message]]);
    // A click target may still be http: the merchant's choice, fetched only when the shopper clicks.
    expect(sendMessageRequestSchema.safeParse({ ...base, url: 'http://shop.example/a', actions: [{ title: 'Go', url: 'http://shop.example/b' }] }).success).toBe(true);
  });

  it('still reads a message stored with http pictures before they had to be https', () => {
    const stored = { id: 'old', type: 'system', category: 'order', priority: 3, title: 'Old', createdAt: '2026-01-01T00:00:00.000Z' };
    expect(messageSchema.safeParse({ ...stored, icon: 'http://cdn.example/i.png', image: 'http://cdn.example/p.jpg' }).success).toBe(true);
  });
});
