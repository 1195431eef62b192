import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorBodySchema } from '../../shared/errors.js';
import {
  createWebhookResponseSchema,
  webhookDeliveryListResponseSchema,
  webhookEventSchema,
  webhookListResponseSchema,
  type WebhookEvent,
} from '../../shared/webhook.schema.js';
import { EndpointAllowlist } from '../push/endpoint-allowlist.js';
import { api, until } from '../test-support/api.js';
import { LoopbackPushService } from '../test-support/push-service.js';
import { StreamClient } from '../test-support/stream-client.js';
import { messageTo, startTestServer, TEST_MERCHANT_KEY, type TestServer } from '../test-support/test-server.js';
import { verifyStandardWebhook, WebhookReceiver, type ReceivedWebhook } from '../test-support/webhook-receiver.js';
import type { Resolver } from './webhook-address-guard.js';

/**
 * Issue 10, events back to the shop, end to end through the real app: every
 * event type caused the way a shopper causes it, delivered to a receiver that
 * checks each signature with its own implementation of Standard Webhooks.
 */

let server: TestServer;
let receiver: WebhookReceiver;
let pushService: LoopbackPushService;
/** What the app's resolver answers for names that are not allowlisted; tests change it. */
let dns: Record<string, string[]> = {};
const resolve: Resolver = async (hostname) => {
  const addresses = dns[hostname];
  if (!addresses) throw new Error('ENOTFOUND');
  return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

beforeAll(async () => {
  receiver = await WebhookReceiver.start();
  pushService = await LoopbackPushService.start();
  server = await startTestServer({
    push: { allowlist: EndpointAllowlist.parse(pushService.origin), retry: { baseMs: 20, maxDelayMs: 100, maxAttempts: 2 }, pollMs: 50 },
    webhooks: {
      allowlist: EndpointAllowlist.parse(receiver.origin),
      // Quick retries, so a test sees the schedule play out; Retry-After still wins over them.
      retry: { delaysMs: [100, 100, 100], jitter: 0, maxRetryAfterMs: 60_000, disableAfterMs: 3_600_000 },
      pollMs: 50,
      resolve,
    },
  });
});
afterAll(async () => {
  await server.close();
  await receiver.close();
  await pushService.close();
});

interface Registered {
  id: string;
  secret: string;
  path: string;
}

let hooks = 0;
async function register(events: string[], key = TEST_MERCHANT_KEY): Promise<Registered> {
  const path = `/hooks/${++hooks}`;
  const res = await api(server.url, 'POST', '/webhooks', { url: `${receiver.origin}${path}`, events }, { credential: key });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const created = createWebhookResponseSchema.parse(res.body);
  return { id: created.id, secret: created.secret, path };
}

/** The events a webhook received, each verified against its secret and parsed with the shared schema. */
function eventsOf(hook: Registered): (WebhookEvent & { webhookId: string })[] {
  return receiver.at(hook.path).map((r: ReceivedWebhook) => {
    verifyStandardWebhook(hook.secret, r.headers, r.body);
    return { ...webhookEventSchema.parse(JSON.parse(r.body)), webhookId: String(r.headers['webhook-id']) };
  });
}

async function sendAs(body: Record<string, unknown>, key = TEST_MERCHANT_KEY): Promise<string> {
  const res = await server.send(body, { key });
  expect(res.status, await res.clone().text()).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

async function subscribeDevice(userId: string) {
  const subscription = pushService.subscription();
  const res = await api(server.url, 'POST', '/me/push-subscriptions', subscription.json, { credential: await server.tokenFor(userId) });
  expect(res.status).toBe(201);
  return subscription;
}

const settleABit = () => new Promise((r) => setTimeout(r, 400));

describe('events end to end', () => {
  it('message.delivered once per recipient when a live device gets it, signed per Standard Webhooks', async () => {
    const hook = await register(['message.delivered']);
    const token = await server.tokenFor('wh-live');
    const phone = await StreamClient.connect(server.wsUrl, token);
    const id = await sendAs(messageTo(['wh-live']));
    await receiver.waitFor(() => eventsOf(hook).length === 1);
    // A second device replays the same message: still one event.
    const laptop = await StreamClient.connect(server.wsUrl, token);
    expect(laptop.titles).toContain('Order #1042 shipped');
    const later = await sendAs(messageTo(['wh-live'], { title: 'Later' }));
    await receiver.waitFor(() => eventsOf(hook).length === 2);
    await settleABit();
    const events = eventsOf(hook);
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['message.delivered', { messageId: id, userId: 'wh-live', channel: 'live' }],
      ['message.delivered', { messageId: later, userId: 'wh-live', channel: 'live' }],
    ]);
    const [first] = receiver.at(hook.path);
    expect(first!.headers['content-type']).toBe('application/json');
    expect(first!.headers['webhook-id']).toMatch(/^evt_[0-9a-f]{32}$/);
    expect(Math.abs(Number(first!.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    // The independent check really checks: another secret fails.
    expect(() => verifyStandardWebhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, first!.headers, first!.body)).toThrow();
    phone.ws.close();
    laptop.ws.close();
  });

  it('message.delivered by push when the push service accepts it', async () => {
    const hook = await register(['message.delivered', 'message.failed']);
    await subscribeDevice('wh-push');
    const id = await sendAs(messageTo(['wh-push']));
    await receiver.waitFor(() => eventsOf(hook).length === 1);
    await settleABit();
    expect(eventsOf(hook).map((e) => [e.type, e.data])).toEqual([['message.delivered', { messageId: id, userId: 'wh-push', channel: 'push' }]]);
  });

  it('message.failed when every push to the recipient failed for good and no device had it live', async () => {
    const hook = await register(['message.delivered', 'message.failed']);
    await subscribeDevice('wh-fail');
    await subscribeDevice('wh-fail');
    // Both devices refused for good (400 is not retried; 410 also deletes the subscription).
    pushService.respondWith(400);
    pushService.respondWith(410);
    const id = await sendAs(messageTo(['wh-fail']));
    await receiver.waitFor(() => eventsOf(hook).length === 1);
    await settleABit();
    expect(eventsOf(hook).map((e) => [e.type, e.data])).toEqual([['message.failed', { messageId: id, userId: 'wh-fail', reason: 'push-failed' }]]);
  });

  it('message.read once per recipient, when a device marks it read', async () => {
    const hook = await register(['message.read']);
    const id = await sendAs(messageTo(['wh-reader']));
    const token = await server.tokenFor('wh-reader');
    const mark = (value: boolean, at: string) =>
      api(server.url, 'POST', '/me/state', { changes: [{ messageId: id, state: { read: { value, at } } }] }, { credential: token });
    const readAt = new Date(Date.now() - 1000).toISOString();
    expect((await mark(true, readAt)).status).toBe(200);
    expect((await mark(false, new Date(Date.now() - 500).toISOString())).status).toBe(200);
    expect((await mark(true, new Date().toISOString())).status).toBe(200);
    await receiver.waitFor(() => eventsOf(hook).length === 1);
    await settleABit();
    expect(eventsOf(hook).map((e) => [e.type, e.data])).toEqual([['message.read', { messageId: id, userId: 'wh-reader', readAt }]]);
  });

  it('message.replied with the shopper’s reply', async () => {
    const hook = await register(['message.replied']);
    const id = await sendAs(messageTo(['wh-replier'], { type: 'user', sender: { id: 'agent-7', name: 'Dana' } }));
    const res = await api(server.url, 'POST', `/me/messages/${id}/replies`, { body: 'Can you ship it Friday?' }, {
      credential: await server.tokenFor('wh-replier'),
    });
    expect(res.status).toBe(201);
    await receiver.waitFor(() => eventsOf(hook).length === 1);
    const [event] = eventsOf(hook);
    expect(event).toMatchObject({
      type: 'message.replied',
      data: { messageId: id, userId: 'wh-replier', reply: { id: res.body.id, body: 'Can you ship it Friday?' } },
    });
  });

  it('message.expired once its expiresAt passes, with how many it reached and how many read it', async () => {
    const hook = await register(['message.expired']);
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    const id = await sendAs(messageTo(['wh-exp-1', 'wh-exp-2'], { expiresAt }));
    const token = await server.tokenFor('wh-exp-1');
    await api(server.url, 'POST', '/me/state', { changes: [{ messageId: id, state: { read: { value: true, at: new Date().toISOString() } } }] }, { credential: token });
    await receiver.waitFor(() => eventsOf(hook).length === 1);
    await settleABit();
    expect(eventsOf(hook).map((e) => [e.type, e.data])).toEqual([['message.expired', { messageId: id, expiresAt, recipients: 2, read: 1 }]]);
    expect(Date.parse(eventsOf(hook)[0]!.timestamp)).toBeGreaterThanOrEqual(Date.parse(expiresAt));
  });
});

describe('delivery', () => {
  it('retries a 503 no earlier than its Retry-After, with the same webhook-id, then shows it delivered', async () => {
    const hook = await register(['message.read']);
    receiver.script(hook.path, { status: 503, headers: { 'retry-after': '1' }, body: 'busy' });
    const id = await sendAs(messageTo(['wh-retry']));
    await api(server.url, 'POST', '/me/state', { changes: [{ messageId: id, state: { read: { value: true, at: new Date().toISOString() } } }] }, {
      credential: await server.tokenFor('wh-retry'),
    });
    await receiver.waitFor(() => receiver.at(hook.path).length === 2);
    const [first, second] = receiver.at(hook.path);
    expect([first!.status, second!.status]).toEqual([503, 204]);
    expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    // The schedule alone would retry after 100 ms; the receiver asked for a second.
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
    verifyStandardWebhook(hook.secret, second!.headers, second!.body);
    const list = await until(
      () => api(server.url, 'GET', `/webhooks/${hook.id}/deliveries`),
      (res) => res.body.deliveries[0]?.status === 'delivered',
    );
    const [delivery] = webhookDeliveryListResponseSchema.parse(list.body).deliveries;
    expect(delivery).toMatchObject({ eventId: first!.headers['webhook-id'], type: 'message.read', status: 'delivered', attempts: 2, responseStatus: 204 });
  });

  it('gives up after the schedule and shows the last error, the first KiB of the answer and no next attempt', async () => {
    const hook = await register(['message.read']);
    const big = 'x'.repeat(5000);
    receiver.script(hook.path, ...Array.from({ length: 4 }, () => ({ status: 500, body: big })));
    const id = await sendAs(messageTo(['wh-giveup']));
    await api(server.url, 'POST', '/me/state', { changes: [{ messageId: id, state: { read: { value: true, at: new Date().toISOString() } } }] }, {
      credential: await server.tokenFor('wh-giveup'),
    });
    const list = await until(
      () => api(server.url, 'GET', `/webhooks/${hook.id}/deliveries`),
      (res) => res.body.deliveries[0]?.status === 'failed',
    );
    const [delivery] = webhookDeliveryListResponseSchema.parse(list.body).deliveries;
    expect(delivery).toMatchObject({ status: 'failed', attempts: 4, responseStatus: 500, lastError: 'HTTP 500' });
    expect(delivery!.responseBody).toBe('x'.repeat(1024));
    expect(delivery!.nextAttemptAt).toBeUndefined();
    expect(receiver.at(hook.path)).toHaveLength(4);
  });

  it('follows no redirect: a 302 is a failed attempt and its target is never called', async () => {
    const hook = await register(['message.read']);
    receiver.script(hook.path, { status: 302, headers: { location: `${receiver.origin}/elsewhere` } });
    const id = await sendAs(messageTo(['wh-redirect']));
    await api(server.url, 'POST', '/me/state', { changes: [{ messageId: id, state: { read: { value: true, at: new Date().toISOString() } } }] }, {
      credential: await server.tokenFor('wh-redirect'),
    });
    const list = await until(
      () => api(server.url, 'GET', `/webhooks/${hook.id}/deliveries`),
      (res) => res.body.deliveries[0]?.attempts >= 1 && res.body.deliveries[0]?.lastError !== undefined,
    );
    expect(list.body.deliveries[0]).toMatchObject({ responseStatus: 302, lastError: 'redirect (302) not followed' });
    expect(receiver.at('/elsewhere')).toEqual([]);
  });

  it('disables an endpoint that answers 410 Gone, and the merchant sees why', async () => {
    const hook = await register(['message.read']);
    receiver.script(hook.path, { status: 410 });
    const id = await sendAs(messageTo(['wh-gone']));
    await api(server.url, 'POST', '/me/state', { changes: [{ messageId: id, state: { read: { value: true, at: new Date().toISOString() } } }] }, {
      credential: await server.tokenFor('wh-gone'),
    });
    const list = await until(
      () => api(server.url, 'GET', '/webhooks'),
      (res) => res.body.webhooks.some((w: { id: string; disabled?: unknown }) => w.id === hook.id && w.disabled),
    );
    const listed = webhookListResponseSchema.parse(list.body).webhooks.find((w) => w.id === hook.id)!;
    expect(listed.disabled!.reason).toBe('the endpoint answered 410 Gone');
    expect(receiver.at(hook.path)).toHaveLength(1);
  });
});

describe('each merchant key sees its own', () => {
  it('a seller gets events of its own messages only, and sees and changes only its own webhooks', async () => {
    const created = await api(server.url, 'POST', '/merchant-keys', { name: 'Seller W', role: 'seller' });
    const sellerKey = created.body.key as string;
    const platformHook = await register(['message.read']);
    const sellerHook = await register(['message.read'], sellerKey);
    const token = await server.tokenFor('wh-both');
    const fromPlatform = await sendAs(messageTo(['wh-both']));
    const fromSeller = await sendAs(messageTo(['wh-both']), sellerKey);
    const at = new Date().toISOString();
    await api(server.url, 'POST', '/me/state', {
      changes: [fromPlatform, fromSeller].map((messageId) => ({ messageId, state: { read: { value: true, at } } })),
    }, { credential: token });
    await receiver.waitFor(() => eventsOf(sellerHook).length === 1 && eventsOf(platformHook).length === 1);
    await settleABit();
    expect(eventsOf(sellerHook).map((e) => e.data.messageId)).toEqual([fromSeller]);
    expect(eventsOf(platformHook).map((e) => e.data.messageId)).toEqual([fromPlatform]);

    const sellerList = await api(server.url, 'GET', '/webhooks', undefined, { credential: sellerKey });
    expect(sellerList.body.webhooks.map((w: { id: string }) => w.id)).toEqual([sellerHook.id]);
    expect(JSON.stringify(sellerList.body)).not.toContain('whsec_');
    // Another key's webhook answers like a missing one, and stays.
    expect((await api(server.url, 'GET', `/webhooks/${platformHook.id}/deliveries`, undefined, { credential: sellerKey })).status).toBe(404);
    expect((await api(server.url, 'DELETE', `/webhooks/${platformHook.id}`, undefined, { credential: sellerKey })).status).toBe(404);
    expect((await api(server.url, 'GET', `/webhooks/${platformHook.id}/deliveries`)).status).toBe(200);
    expect((await api(server.url, 'DELETE', `/webhooks/${sellerHook.id}`, undefined, { credential: sellerKey })).status).toBe(204);
    expect((await api(server.url, 'GET', '/webhooks', undefined, { credential: sellerKey })).body.webhooks).toEqual([]);
  });
});

describe('SSRF', () => {
  async function refused(url: string, fragment: string) {
    const before = (await api(server.url, 'GET', '/webhooks')).body;
    const res = await api(server.url, 'POST', '/webhooks', { url, events: ['message.read'] });
    expect(res.status, url).toBe(400);
    const error = errorBodySchema.parse(res.body).error;
    expect(error.code).toBe('webhook-url-not-allowed');
    expect(error.message).toContain(fragment);
    expect((await api(server.url, 'GET', '/webhooks')).body).toEqual(before);
  }

  it.each([
    ['http://shop.example/hooks', 'https'],
    ['https://10.0.0.5/hooks', '10.0.0.5'],
    ['https://127.0.0.1/hooks', '127.0.0.1'],
    ['https://169.254.169.254/latest/meta-data', '169.254.169.254'],
    ['https://100.64.1.1/', '100.64.1.1'],
    ['https://0.0.0.0/', '0.0.0.0'],
    ['https://224.0.0.1/', '224.0.0.1'],
    ['https://[::1]/hooks', '::1'],
    ['https://[::]/hooks', '::'],
    ['https://[fe80::1]/hooks', 'fe80::1'],
    ['https://[fd00::1]/hooks', 'fd00::1'],
    ['https://[::ffff:127.0.0.1]/hooks', '::ffff:7f00:1'],
    ['https://[::ffff:10.1.2.3]/hooks', '::ffff:a01:203'],
    [`http://127.0.0.1:${1}/not-the-allowlisted-port`, 'https'],
    ['https://user:pw@shop.example/hooks', 'user name or password'],
    ['not a url', 'absolute URL'],
  ])('refuses %s at creation', async (url, fragment) => refused(url, fragment));

  it('refuses a host that resolves to a private address at creation', async () => {
    dns = { 'internal.shop.test': ['93.184.216.34', '10.1.1.1'] };
    await refused('https://internal.shop.test/hooks', 'resolves to 10.1.1.1');
    dns = {};
    await refused('https://nowhere.shop.test/hooks', 'does not resolve');
  });

  it('checks the address again when sending: a name that now resolves to 127.0.0.1 is never connected to', async () => {
    // Public at creation, loopback at send time (DNS rebinding); the receiver is listening on that port.
    const host = 'rebind.shop.test';
    dns = { [host]: ['93.184.216.34'] };
    const res = await api(server.url, 'POST', '/webhooks', { url: `https://${host}:${receiver.port}/rebound`, events: ['message.read'] });
    expect(res.status).toBe(201);
    dns = { [host]: ['127.0.0.1'] };
    const id = await sendAs(messageTo(['wh-rebind']));
    await api(server.url, 'POST', '/me/state', { changes: [{ messageId: id, state: { read: { value: true, at: new Date().toISOString() } } }] }, {
      credential: await server.tokenFor('wh-rebind'),
    });
    const list = await until(
      () => api(server.url, 'GET', `/webhooks/${res.body.id}/deliveries`),
      (r) => r.body.deliveries[0]?.lastError !== undefined,
    );
    expect(list.body.deliveries[0].lastError).toContain('resolves to 127.0.0.1');
    expect(list.body.deliveries[0].responseStatus).toBeUndefined();
    expect(receiver.at('/rebound')).toEqual([]);
  });
});

describe('bad input', () => {
  const snapshot = async () => JSON.stringify((await api(server.url, 'GET', '/webhooks')).body);

  it.each([
    ['no events', { url: 'https://93.184.216.34/h' }],
    ['empty events', { url: 'https://93.184.216.34/h', events: [] }],
    ['an unknown event', { url: 'https://93.184.216.34/h', events: ['message.opened'] }],
    ['an event twice', { url: 'https://93.184.216.34/h', events: ['message.read', 'message.read'] }],
    ['no url', { events: ['message.read'] }],
    ['a url that is not a string', { url: 42, events: ['message.read'] }],
    ['a url that is too long', { url: `https://93.184.216.34/${'a'.repeat(3000)}`, events: ['message.read'] }],
    ['an unknown field', { url: 'https://93.184.216.34/h', events: ['message.read'], secret: 'whsec_mine' }],
    ['an array', [1, 2]],
  ])('POST /webhooks with %s: 400 validation-failed, nothing stored', async (_what, body) => {
    const before = await snapshot();
    const res = await api(server.url, 'POST', '/webhooks', body);
    expect(res.status).toBe(400);
    expect(errorBodySchema.parse(res.body).error.code).toBe('validation-failed');
    expect(await snapshot()).toBe(before);
  });

  it('POST /webhooks with a body that is not JSON: 400 invalid-json', async () => {
    const before = await snapshot();
    const res = await fetch(`${server.url}/api/v1/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_MERCHANT_KEY}`, 'content-type': 'application/json' },
      body: '{"url":',
    });
    expect(res.status).toBe(400);
    expect(errorBodySchema.parse(await res.json()).error.code).toBe('invalid-json');
    expect(await snapshot()).toBe(before);
  });

  it('DELETE and deliveries of an unknown webhook: 404; deliveries with a bad limit: 400', async () => {
    const before = await snapshot();
    expect((await api(server.url, 'DELETE', '/webhooks/wh_nope')).status).toBe(404);
    expect((await api(server.url, 'GET', '/webhooks/wh_nope/deliveries')).status).toBe(404);
    const hook = await register(['message.read']);
    for (const query of ['limit=0', 'limit=201', 'limit=abc', 'other=1']) {
      const res = await api(server.url, 'GET', `/webhooks/${hook.id}/deliveries?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe('validation-failed');
    }
    expect((await api(server.url, 'DELETE', `/webhooks/${hook.id}`)).status).toBe(204);
    expect(await snapshot()).toBe(before);
  });
});
