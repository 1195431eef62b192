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
