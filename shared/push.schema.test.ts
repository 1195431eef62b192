import { describe, expect, it } from 'vitest';
import { decodeBase64Url, pushPayloadSchema, pushSubscriptionSchema } from './push.schema.js';

const p256dh = `BA${'A'.repeat(85)}`; // 0x04 followed by 64 zero bytes: the right shape
const auth = 'A'.repeat(22);

describe('decodeBase64Url', () => {
  it('decodes unpadded base64url and refuses everything else', () => {
    expect(Array.from(decodeBase64Url('-_8')!)).toEqual([0xfb, 0xff]);
    expect(decodeBase64Url('+/8')).toBeUndefined();
    expect(decodeBase64Url('AA==')).toBeUndefined();
    expect(decodeBase64Url('A')).toBeUndefined();
    expect(decodeBase64Url('')).toBeUndefined();
  });
});

describe('pushSubscriptionSchema', () => {
  it('accepts what PushSubscription.toJSON() gives', () => {
    const json = { endpoint: 'https://fcm.googleapis.com/fcm/send/x', expirationTime: null, keys: { p256dh, auth } };
    expect(pushSubscriptionSchema.parse(json)).toEqual(json);
  });

  it.each([
    ['a 16-byte p256dh', { p256dh: auth, auth }, 'keys.p256dh'],
    ['a p256dh not starting 0x04', { p256dh: `Ag${'A'.repeat(85)}`, auth }, 'keys.p256dh'],
    ['a 17-byte auth', { p256dh, auth: 'A'.repeat(23) }, 'keys.auth'],
    ['auth with padding', { p256dh, auth: `${'A'.repeat(22)}==` }, 'keys.auth'],
  ])('refuses %s', (_name, keys, path) => {
    const result = pushSubscriptionSchema.safeParse({ endpoint: 'https://fcm.googleapis.com/x', keys });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.path.join('.'))).toContain(path);
  });
});

describe('pushPayloadSchema', () => {
  it('requires version 1 and a valid message', () => {
    const message = { id: 'm', type: 'system', category: 'order', priority: 3, title: 't', createdAt: new Date().toISOString() };
    expect(pushPayloadSchema.safeParse({ v: 1, kind: 'message', message }).success).toBe(true);
    expect(pushPayloadSchema.safeParse({ v: 2, kind: 'message', message }).success).toBe(false);
    expect(pushPayloadSchema.safeParse({ v: 1, kind: 'message', message: { ...message, priority: 9 } }).success).toBe(false);
  });
});
