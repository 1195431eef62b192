import webpush from 'web-push';
import { describe, expect, it } from 'vitest';
import { VAPID_JWT_LIFETIME_SECONDS, VapidSigner } from './vapid-signer.js';

function claimsOf(authorization: string): { aud: string; exp: number; sub: string } {
  const jwt = /^vapid t=([^,]+), k=/.exec(authorization)![1]!;
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as { aud: string; exp: number; sub: string };
}

describe('VapidSigner', () => {
  it('signs once per origin and renews after six hours, long before expiry', () => {
    let now = Date.now();
    const signer = new VapidSigner(webpush.generateVAPIDKeys(), 'mailto:ops@shop.example', () => now);
    const first = signer.authorizationFor('https://fcm.googleapis.com');
    expect(claimsOf(first)).toEqual({
      aud: 'https://fcm.googleapis.com',
      exp: Math.floor(now / 1000) + VAPID_JWT_LIFETIME_SECONDS,
      sub: 'mailto:ops@shop.example',
    });
    expect(signer.authorizationFor('https://fcm.googleapis.com')).toBe(first);
    expect(claimsOf(signer.authorizationFor('https://web.push.apple.com')).aud).toBe('https://web.push.apple.com');

    now += 5 * 3600_000;
    expect(signer.authorizationFor('https://fcm.googleapis.com')).toBe(first);
    now += 3600_000 + 1;
    const renewed = signer.authorizationFor('https://fcm.googleapis.com');
    expect(renewed).not.toBe(first);
    expect(claimsOf(renewed).exp).toBe(Math.floor(now / 1000) + VAPID_JWT_LIFETIME_SECONDS);
  });
});
