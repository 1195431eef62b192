import { describe, expect, it } from 'vitest';
import { sendMessageRequestSchema } from './message.schema.js';

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
