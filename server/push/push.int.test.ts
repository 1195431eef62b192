import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../shared/limits.js';
import { vapidPublicKeyResponseSchema } from '../../shared/push.schema.js';
import { payloadOf, startPushTestBed, type PushTestBed } from '../test-support/push-test-server.js';
import { messageTo } from '../test-support/test-server.js';
import { topicOf } from './push-options.js';

let bed: PushTestBed;
beforeAll(async () => {
  bed = await startPushTestBed();
});
afterAll(() => bed.close());

const send = (userIds: string[], overrides?: Record<string, unknown>) => bed.send(userIds, overrides);
const settled = (messageId: string) => bed.settled(messageId);

function statusesFor(endpoint: string): number[] {
  return bed.push.attempts.filter((a) => a.endpoint === endpoint).map((a) => a.status);
}

describe('Web Push delivery', () => {
  it('pushes every device of every recipient, encrypted, VAPID-signed, with TTL, Urgency and Topic', async () => {
    const [phone, laptop, other] = [await bed.device('wp-ann'), await bed.device('wp-ann'), await bed.device('wp-bo')];
    const expiresAt = new Date(Date.now() + 3600_000).toISOString();
    const id = await send(['wp-ann', 'wp-bo', 'wp-nobody'], {
      priority: 5,
      collapseKey: 'order:1042',
      body: 'Arriving Thursday',
      expiresAt,
    });
    await bed.push.waitFor(() => [phone, laptop, other].every((d) => bed.push.receivedFor(d!.json.endpoint).length === 1));

    const { publicKey } = vapidPublicKeyResponseSchema.parse(await (await fetch(`${bed.server.url}/api/v1/vapid-public-key`)).json());
    for (const device of [phone!, laptop!, other!]) {
      const [push] = bed.push.receivedFor(device.json.endpoint);
      expect(push!.vapidKey).toBe(publicKey);
      expect(push!.jwt.aud).toBe(bed.push.origin);
      expect(push!.urgency).toBe('high');
      expect(push!.topic).toBe(topicOf('order:1042'));
      expect(push!.ttl).toBeGreaterThan(3500);
      expect(push!.ttl).toBeLessThanOrEqual(3600);
      const payload = payloadOf(push!);
      expect(payload.truncated).toBeUndefined();
      expect(payload.message).toMatchObject({ id, title: 'Order #1042 shipped', body: 'Arriving Thursday', priority: 5, expiresAt });
    }
    expect(bed.push.attempts.filter((a) => a.problem)).toEqual([]);
    expect(await settled(id)).toMatchObject({ recipients: 3, pushTargets: 3, pushed: 3, pushFailed: 0, pushSkipped: 0 });
  });

  it('maps priority to Urgency and uses the four-week TTL without an expiry', async () => {
    const device = await bed.device('wp-urgency');
    for (const priority of [1, 2, 3, 4]) await send(['wp-urgency'], { priority, title: `p${priority}` });
    await bed.push.waitFor(() => bed.push.receivedFor(device.json.endpoint).length === 4);
    const byTitle = new Map(bed.push.receivedFor(device.json.endpoint).map((p) => [payloadOf(p).message.title, p]));
    expect(['p1', 'p2', 'p3', 'p4'].map((t) => byTitle.get(t)!.urgency)).toEqual(['very-low', 'low', 'normal', 'high']);
    expect(byTitle.get('p3')!.ttl).toBe(28 * 24 * 3600);
    expect(byTitle.get('p3')!.topic).toBeUndefined();
  });

  it('does not push to a subscription whose expirationTime has passed, and deletes it', async () => {
    const live = await bed.device('wp-expired');
    // The browser said this subscription stops working at expirationTime, which is now past.
    const expired = bed.push.subscription();
    const res = await fetch(`${bed.server.url}/api/v1/me/push-subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await bed.server.tokenFor('wp-expired')}` },
      body: JSON.stringify({ ...expired.json, expirationTime: Date.now() - 60_000 }),
    });
    expect(res.status).toBe(201);
    const id = await send(['wp-expired']);
    expect(await settled(id)).toMatchObject({ pushTargets: 2, pushed: 1, pushFailed: 1 });
    expect(bed.push.receivedFor(live.json.endpoint)).toHaveLength(1);
    // Never sent to the push service at all, and gone from the store.
    expect(statusesFor(expired.json.endpoint)).toEqual([]);
    expect((await bed.server.store.listPushSubscriptions('wp-expired')).map((s) => s.endpoint)).toEqual([live.json.endpoint]);
    expect(await settled(await send(['wp-expired']))).toMatchObject({ pushTargets: 1, pushed: 1 });
  });

  it('deletes a subscription the push service answers 410 for, and counts the push failed', async () => {
    const device = await bed.device('wp-gone');
    bed.push.respondWith(410);
    const id = await send(['wp-gone']);
    expect(await settled(id)).toMatchObject({ pushTargets: 1, pushed: 0, pushFailed: 1 });
    expect(statusesFor(device.json.endpoint)).toEqual([410]);
    expect(await bed.server.store.listPushSubscriptions('wp-gone')).toEqual([]);
    // Later messages no longer target it.
    expect(await settled(await send(['wp-gone']))).toMatchObject({ pushTargets: 0 });
  });

  it('retries through a 5xx outage and keeps the subscription', async () => {
    const device = await bed.device('wp-outage');
    bed.push.respondWith(503, 2);
    bed.push.respondWith(500);
    const id = await send(['wp-outage']);
    expect(await settled(id)).toMatchObject({ pushed: 1, pushFailed: 0 });
    expect(statusesFor(device.json.endpoint)).toEqual([503, 503, 500, 201]);
    expect(bed.push.receivedFor(device.json.endpoint)).toHaveLength(1);
    expect(await bed.server.store.listPushSubscriptions('wp-outage')).toHaveLength(1);
  });

  it('retries a 429 no earlier than Retry-After', async () => {
    const device = await bed.device('wp-throttled');
    bed.push.respondWith(429, 1, { 'retry-after': '1' });
    const id = await send(['wp-throttled']);
    expect(await settled(id)).toMatchObject({ pushed: 1 });
    const attempts = bed.push.attempts.filter((a) => a.endpoint === device.json.endpoint);
    expect(attempts.map((a) => a.status)).toEqual([429, 201]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it.each([413, 400])('treats %i as a permanent failure: counted, not retried, subscription kept', async (status) => {
    const device = await bed.device(`wp-refused-${status}`);
    bed.push.respondWith(status);
    const id = await send([`wp-refused-${status}`]);
    expect(await settled(id)).toMatchObject({ pushed: 0, pushFailed: 1 });
    expect(statusesFor(device.json.endpoint)).toEqual([status]);
    expect(await bed.server.store.listPushSubscriptions(`wp-refused-${status}`)).toHaveLength(1);
  });

  it('shortens a message over the plaintext limit, marks it, and serves the whole message to its recipient', async () => {
    const device = await bed.device('wp-long');
    const body = 'é'.repeat(LIMITS.bodyLength);
    const id = await send(['wp-long'], {
      body,
      image: 'https://cdn.example/big.jpg',
      data: { blob: 'x'.repeat(3000) },
      actions: [{ title: 'Open', url: '/orders/1' }],
    });
    await bed.push.waitFor(() => bed.push.receivedFor(device.json.endpoint).length === 1);
    const [push] = bed.push.receivedFor(device.json.endpoint);
    expect(Buffer.byteLength(push!.plaintext)).toBeLessThanOrEqual(LIMITS.pushPlaintextBytes);
    const payload = payloadOf(push!);
    expect(payload.truncated).toBe(true);
    expect(payload.message).not.toHaveProperty('data');
    expect(payload.message).not.toHaveProperty('image');
    expect(payload.message.actions).toEqual([{ title: 'Open', url: '/orders/1' }]);
    expect(payload.message.body!.endsWith('…')).toBe(true);
    expect(payload.message.body!.length).toBeGreaterThan(1000);
    expect(body.startsWith(payload.message.body!.slice(0, -1))).toBe(true);

    const get = (token: string) =>
      fetch(`${bed.server.url}/api/v1/me/messages/${id}`, { headers: { authorization: `Bearer ${token}` } });
    const full = await get(await bed.server.tokenFor('wp-long'));
    expect(full.status).toBe(200);
    expect(await full.json()).toMatchObject({ id, body, data: { blob: 'x'.repeat(3000) } });
    const stranger = await get(await bed.server.tokenFor('wp-stranger'));
    expect(stranger.status).toBe(404);
  });
});

describe('Web Push and expiry', () => {
  it('drops a push whose retry would come after the message expires', async () => {
    // Its own push service: the 429 below pauses the whole origin, as real throttling does.
    const own = await startPushTestBed();
    try {
      const device = await own.device('wp-late');
      own.push.respondWith(429, 1, { 'retry-after': '30' });
      const res = await own.server.send(messageTo(['wp-late'], { expiresAt: new Date(Date.now() + 5000).toISOString() }));
      const { id } = (await res.json()) as { id: string };
      await own.push.waitFor(() => own.push.attempts.length === 1);
      const report = await own.settled(id);
      expect(report).toMatchObject({ pushTargets: 1, pushed: 0, pushFailed: 0, pushSkipped: 1, pushPending: 0 });
      expect(own.push.attempts.map((a) => a.status)).toEqual([429]);
      expect(own.push.receivedFor(device.json.endpoint)).toEqual([]);
    } finally {
      await own.close();
    }
  });
});

describe.each([
  { protocol: 'https-h2', httpVersion: '2.0' },
  { protocol: 'https-h1', httpVersion: '1.1' },
] as const)('Web Push to a push service that speaks only $protocol', ({ protocol, httpVersion }) => {
  let own: PushTestBed;
  beforeAll(async () => {
    own = await startPushTestBed({ protocol });
  });
  afterAll(() => own.close());

  it('delivers over TLS with the trusted certificate, and the service decrypts every push', async () => {
    const users = ['a', 'b', 'c'].map((name) => `wp-${protocol}-${name}`);
    const devices = await Promise.all(users.map((user) => own.device(user)));
    const id = await own.send(users, { title: 'Over TLS' });
    expect(await own.settled(id)).toMatchObject({ pushTargets: 3, pushed: 3, pushFailed: 0 });
    for (const device of devices) {
      const [push] = own.push.receivedFor(device.json.endpoint);
      expect(push!.httpVersion).toBe(httpVersion);
      expect(payloadOf(push!).message).toMatchObject({ id, title: 'Over TLS' });
    }
    expect(own.push.attempts.filter((a) => a.problem)).toEqual([]);
  });

  it(protocol === 'https-h2' ? 'sends pushes in flight together as streams of one connection' : 'keeps eight pushes in flight on eight connections', async () => {
    const users = Array.from({ length: 8 }, (_, i) => `wp-${protocol}-many-${i}`);
    const devices = await Promise.all(users.map((user) => own.device(user)));
    const before = own.push.connectionCount;
    own.push.hold();
    const id = await own.send(users);
    await own.push.waitFor(() => own.push.heldCount === 8);
    const [opened, open] = [own.push.connectionCount - before, own.push.connectionCount];
    own.push.release();
    expect(await own.settled(id)).toMatchObject({ pushed: 8 });
    expect(devices.every((d) => own.push.receivedFor(d.json.endpoint).length === 1)).toBe(true);
    // h2: the connection the first test opened carries all eight; HTTP/1.1: no pipelining, so eight in flight need eight connections.
    if (protocol === 'https-h2') expect(opened).toBe(0);
    else expect(open).toBeGreaterThanOrEqual(8);
  });
});
