import { describe, expect, it } from 'vitest';
import { verifyStandardWebhook } from '../test-support/webhook-receiver.js';
import { newWebhookSecret, signWebhook } from './webhook-signature.js';

describe('Standard Webhooks signing', () => {
  it('matches the spec’s published example', () => {
    const headers = signWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}');
    expect(headers).toEqual({
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('makes secrets of 32 random bytes that an independent verifier accepts', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(secret);
    const now = Math.floor(Date.now() / 1000);
    const headers = signWebhook(secret, 'evt_1', now, '{"a":1}');
    expect(() => verifyStandardWebhook(secret, headers, '{"a":1}')).not.toThrow();
    expect(() => verifyStandardWebhook(secret, headers, '{"a":2}')).toThrow('no matching signature');
    expect(() => verifyStandardWebhook(secret, signWebhook(secret, 'evt_1', now - 600, '{}'), '{}')).toThrow('tolerance');
  });
});
