import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorBodySchema } from '../../../shared/errors.js';
import { pushSubscriptionResponseSchema, vapidPublicKeyResponseSchema } from '../../../shared/push.schema.js';
import { LIMITS } from '../../../shared/limits.js';
import { startPushTestBed, type PushTestBed } from '../../test-support/push-test-server.js';
import { startTestServer, TEST_MERCHANT_KEY, tempDir } from '../../test-support/test-server.js';

let bed: PushTestBed;
beforeAll(async () => {
  bed = await startPushTestBed();
});
afterAll(() => bed.close());

function call(method: 'POST' | 'DELETE', credential: string | undefined, body: unknown) {
  return fetch(`${bed.server.url}/api/v1/me/push-subscriptions`, {
    method,
    headers: { 'content-type': 'application/json', ...(credential ? { authorization: `Bearer ${credential}` } : {}) },
    body: JSON.stringify(body),
  });
}

function keys() {
  const ecdh = crypto.createECDH('prime256v1');
  return { p256dh: ecdh.generateKeys().toString('base64url'), auth: crypto.randomBytes(16).toString('base64url') };
}

const fcm = (id: string) => `https://fcm.googleapis.com/fcm/send/${id}`;

describe('GET /api/v1/vapid-public-key', () => {
  it('answers without credentials, and the key is kept across restarts', async () => {
    const dataDir = tempDir();
    const first = await startTestServer({ dataDir });
    const a = vapidPublicKeyResponseSchema.parse(await (await fetch(`${first.url}/api/v1/vapid-public-key`)).json());
    await first.close();
    const second = await startTestServer({ dataDir });
    const b = vapidPublicKeyResponseSchema.parse(await (await fetch(`${second.url}/api/v1/vapid-public-key`)).json());
    await second.close();
    expect(b.publicKey).toBe(a.publicKey);
  });

  it('uses configured keys instead', async () => {
    const ecdh = crypto.createECDH('prime256v1');
    const publicKey = ecdh.generateKeys().toString('base64url');
    const server = await startTestServer({ push: { vapidKeys: { publicKey, privateKey: ecdh.getPrivateKey('base64url') } } });
    expect(await (await fetch(`${server.url}/api/v1/vapid-public-key`)).json()).toEqual({ publicKey });
    await server.close();
  });
});

describe('POST /api/v1/me/push-subscriptions', () => {
  it('stores a public push service subscription, and re-posting it updates rather than duplicates', async () => {
    const token = await bed.server.tokenFor('ps-ok');
    const body = { endpoint: fcm('ok-1'), expirationTime: null, keys: keys() };
    const first = await call('POST', token, body);
    expect(first.status).toBe(201);
    expect(pushSubscriptionResponseSchema.parse(await first.json())).toEqual({ endpoint: body.endpoint, devices: 1, evicted: 0 });
    const renewed = { ...body, keys: keys() };
    expect((await call('POST', token, renewed)).status).toBe(201);
    const stored = await bed.server.store.listPushSubscriptions('ps-ok');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ endpoint: body.endpoint, p256dh: renewed.keys.p256dh, auth: renewed.keys.auth });
  });

  it('moves a device to the shopper who subscribes it last with the same keys (another sign-in on that browser)', async () => {
    const body = { endpoint: fcm('shared-device'), keys: keys() };
    expect((await call('POST', await bed.server.tokenFor('ps-first'), body)).status).toBe(201);
    expect((await call('POST', await bed.server.tokenFor('ps-second'), body)).status).toBe(201);
    expect(await bed.server.store.listPushSubscriptions('ps-first')).toEqual([]);
    expect(await bed.server.store.listPushSubscriptions('ps-second')).toHaveLength(1);
  });

  it('refuses with 409 push-subscription-conflict to move a device without its keys, and changes nothing', async () => {
    const body = { endpoint: fcm('victim-device'), keys: keys() };
    expect((await call('POST', await bed.server.tokenFor('ps-victim'), body)).status).toBe(201);
    const before = await bed.server.store.listPushSubscriptions('ps-victim');
    // Whoever learned the endpoint (a log, a leaked request) posts it with keys of their own.
    const res = await call('POST', await bed.server.tokenFor('ps-attacker'), { ...body, keys: keys() });
    expect(res.status).toBe(409);
    expect(errorBodySchema.parse(await res.json()).error.code).toBe('push-subscription-conflict');
    expect(await bed.server.store.listPushSubscriptions('ps-attacker')).toEqual([]);
    expect(await bed.server.store.listPushSubscriptions('ps-victim')).toEqual(before);
  });

  it('takes other spellings of a registered endpoint for that endpoint: 409 to another shopper, no second row', async () => {
    const endpoint = fcm('spelled-device');
    const body = { endpoint, keys: keys() };
    expect((await call('POST', await bed.server.tokenFor('ps-spelled'), body)).status).toBe(201);
    const attacker = await bed.server.tokenFor('ps-respeller');
    const url = new URL(endpoint);
    const spellings = [
      endpoint.replace('https://fcm.googleapis.com', 'HTTPS://FCM.googleapis.com'),
      endpoint.replace('fcm.googleapis.com', 'fcm.googleapis.com:443'),
      `${endpoint}?`,
      `${url.origin}/./${url.pathname.slice(1)}`,
    ];
    for (const spelling of spellings) {
      const res = await call('POST', attacker, { endpoint: spelling, keys: keys() });
      expect(res.status, spelling).toBe(409);
    }
    expect(await bed.server.store.listPushSubscriptions('ps-respeller')).toEqual([]);
    // The owner's own re-post in another spelling updates the one row.
    expect((await call('POST', await bed.server.tokenFor('ps-spelled'), { ...body, endpoint: spellings[1] })).status).toBe(201);
    expect((await bed.server.store.listPushSubscriptions('ps-spelled')).map((s) => s.endpoint)).toEqual([endpoint]);
  });

  it(`keeps at most ${LIMITS.pushSubscriptionsPerShopper} devices per shopper, evicting the least recently updated`, async () => {
    const token = await bed.server.tokenFor('ps-cap');
    for (let i = 0; i < LIMITS.pushSubscriptionsPerShopper; i++) {
      expect((await call('POST', token, { endpoint: fcm(`cap-${i}`), keys: keys() })).status).toBe(201);
      await new Promise((r) => setTimeout(r, 2)); // distinct updated_at
    }
    const res = await call('POST', token, { endpoint: fcm('cap-new'), keys: keys() });
    expect(pushSubscriptionResponseSchema.parse(await res.json())).toMatchObject({ devices: 10, evicted: 1 });
    const endpoints = (await bed.server.store.listPushSubscriptions('ps-cap')).map((s) => s.endpoint);
    expect(endpoints).toHaveLength(10);
    expect(endpoints).toContain(fcm('cap-new'));
    expect(endpoints).not.toContain(fcm('cap-0'));
  });

  const loopbackNotAllowed = 'http://127.0.0.1:1/push/x';
  const bad: [string, unknown, number, string][] = [
    ['a #fragment', { endpoint: `${fcm('b')}#x`, keys: keys() }, 400, 'validation-failed'],
    ['no keys', { endpoint: fcm('b') }, 400, 'validation-failed'],
    ['no auth key', { endpoint: fcm('b'), keys: { p256dh: keys().p256dh } }, 400, 'validation-failed'],
    ['padded base64', { endpoint: fcm('b'), keys: { ...keys(), auth: `${keys().auth}==` } }, 400, 'validation-failed'],
    ['standard base64 characters', { endpoint: fcm('b'), keys: { ...keys(), p256dh: keys().p256dh.replace(/[-_]/g, '+') + '+' } }, 400, 'validation-failed'],
    ['a 64-byte p256dh', { endpoint: fcm('b'), keys: { ...keys(), p256dh: crypto.randomBytes(64).toString('base64url') } }, 400, 'validation-failed'],
    ['a compressed p256dh', { endpoint: fcm('b'), keys: { ...keys(), p256dh: Buffer.concat([Buffer.from([2]), crypto.randomBytes(64)]).toString('base64url') } }, 400, 'validation-failed'],
    ['a p256dh off the curve', { endpoint: fcm('b'), keys: { ...keys(), p256dh: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)]).toString('base64url') } }, 400, 'validation-failed'],
    ['a 15-byte auth', { endpoint: fcm('b'), keys: { ...keys(), auth: crypto.randomBytes(15).toString('base64url') } }, 400, 'validation-failed'],
    ['an endpoint that is not a URL', { endpoint: 'fcm.googleapis.com/x', keys: keys() }, 400, 'validation-failed'],
    ['an overlong endpoint', { endpoint: fcm('x'.repeat(LIMITS.pushEndpointLength)), keys: keys() }, 400, 'validation-failed'],
    ['an unknown field', { endpoint: fcm('b'), keys: keys(), userId: 'someone' }, 400, 'validation-failed'],
    ['an unknown key field', { endpoint: fcm('b'), keys: { ...keys(), extra: 'x' } }, 400, 'validation-failed'],
    ['a plain-http push service', { endpoint: 'http://fcm.googleapis.com/fcm/send/b', keys: keys() }, 400, 'push-endpoint-not-allowed'],
    ['a push service on another port', { endpoint: 'https://fcm.googleapis.com:8443/fcm/send/b', keys: keys() }, 400, 'push-endpoint-not-allowed'],
    ['a host that only ends like one', { endpoint: 'https://evilpush.apple.com.attacker.example/x', keys: keys() }, 400, 'push-endpoint-not-allowed'],
    ['an internal address', { endpoint: 'https://169.254.169.254/latest/meta-data', keys: keys() }, 400, 'push-endpoint-not-allowed'],
    ['a loopback port not allowlisted', { endpoint: loopbackNotAllowed, keys: keys() }, 400, 'push-endpoint-not-allowed'],
    ['credentials in the endpoint', { endpoint: 'https://user:pw@fcm.googleapis.com/fcm/send/b', keys: keys() }, 400, 'push-endpoint-not-allowed'],
  ];
  it.each(bad)('refuses %s and stores nothing', async (_name, body, status, code) => {
    const res = await call('POST', await bed.server.tokenFor('ps-bad'), body);
    expect(res.status).toBe(status);
    expect(errorBodySchema.parse(await res.json()).error.code).toBe(code);
    expect(await bed.server.store.listPushSubscriptions('ps-bad')).toEqual([]);
  });

  it('refuses a merchant key, and a request without credentials', async () => {
    const body = { endpoint: fcm('cred'), keys: keys() };
    const merchant = await call('POST', TEST_MERCHANT_KEY, body);
    expect(merchant.status).toBe(403);
    expect(errorBodySchema.parse(await merchant.json()).error.code).toBe('wrong-credential-kind');
    expect((await call('POST', undefined, body)).status).toBe(401);
  });
});

describe('DELETE /api/v1/me/push-subscriptions', () => {
  it('removes the caller’s own subscription only', async () => {
    const owner = await bed.server.tokenFor('ps-owner');
    const endpoint = fcm('delete-me');
    expect((await call('POST', owner, { endpoint, keys: keys() })).status).toBe(201);

    const intruder = await call('DELETE', await bed.server.tokenFor('ps-intruder'), { endpoint });
    expect(intruder.status).toBe(404);
    expect(await bed.server.store.listPushSubscriptions('ps-owner')).toHaveLength(1);

    expect((await call('DELETE', owner, { endpoint })).status).toBe(204);
    expect(await bed.server.store.listPushSubscriptions('ps-owner')).toEqual([]);
    expect((await call('DELETE', owner, { endpoint })).status).toBe(404);
  });

  it('refuses a body without an endpoint', async () => {
    const res = await call('DELETE', await bed.server.tokenFor('ps-owner'), {});
    expect(res.status).toBe(400);
    expect(errorBodySchema.parse(await res.json()).error.code).toBe('validation-failed');
  });
});
