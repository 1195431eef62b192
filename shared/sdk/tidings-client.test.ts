import crypto from 'node:crypto';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type {
  CreateWebhookRequest,
  CreateWebhookResponse,
  WebhookDeliveryListResponse,
  WebhookEvent,
  WebhookListResponse,
} from '../webhook.schema.js';
import { createTidingsClient, retryAfterMs, TidingsError, verifyWebhook, WebhookVerificationError, type TidingsClient } from './tidings-client.js';

interface Call {
  url: string;
  init: RequestInit;
}

/** A fetch that answers from a script, one entry per call, and records what it was asked. */
function fakeFetch(script: (Response | Error)[]) {
  const calls: Call[] = [];
  const fetch = async (url: string | URL | Request, init: RequestInit = {}) => {
    calls.push({ url: String(url), init });
    const next = script.shift();
    if (!next) throw new Error('the script ran out');
    if (next instanceof Error) throw next;
    return next;
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const accepted = () => json(202, { id: 'm1', status: 'queued', recipients: 1 });
const failure = (status: number, code: string) => json(status, { error: { code, message: `${code}!` } });
const message = { to: { userIds: ['alice'] }, category: 'order', title: 'Shipped' };

function client(script: (Response | Error)[], sleeps: number[] = []) {
  const fake = fakeFetch(script);
  const tidings = createTidingsClient({
    baseUrl: 'https://push.example/',
    key: 'tdk_k',
    fetch: fake.fetch,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { tidings, calls: fake.calls, sleeps };
}
const headerOf = (call: Call, name: string) => new Headers(call.init.headers).get(name);

describe('createTidingsClient', () => {
  it('sends with the key and a fresh UUID Idempotency-Key per send', async () => {
    const { tidings, calls } = client([accepted(), accepted()]);
    expect(await tidings.send(message)).toEqual({ id: 'm1', status: 'queued', recipients: 1 });
    await tidings.send(message);
    expect(calls[0]!.url).toBe('https://push.example/api/v1/messages');
    expect(headerOf(calls[0]!, 'authorization')).toBe('Bearer tdk_k');
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual(message);
    const keys = calls.map((call) => headerOf(call, 'idempotency-key'));
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).not.toBe(keys[0]);
  });

  it('retries network errors and 502/503/504 with the same Idempotency-Key, backing off', async () => {
    const { tidings, calls, sleeps } = client([new TypeError('fetch failed'), failure(502, 'x'), failure(503, 'x'), accepted()]);
    expect((await tidings.send(message)).id).toBe('m1');
    expect(calls).toHaveLength(4);
    expect(new Set(calls.map((call) => headerOf(call, 'idempotency-key'))).size).toBe(1);
    expect(sleeps).toHaveLength(3);
    sleeps.forEach((ms, i) => expect(ms).toBeLessThanOrEqual(250 * 2 ** i));
  });

  it('keeps the caller’s own Idempotency-Key across retries', async () => {
    const { tidings, calls } = client([failure(504, 'x'), accepted()]);
    await tidings.send(message, { idempotencyKey: 'order-1042-shipped' });
    expect(calls.map((call) => headerOf(call, 'idempotency-key'))).toEqual(['order-1042-shipped', 'order-1042-shipped']);
  });

  it('waits as long as Retry-After says on a 429 (seconds or an HTTP date)', async () => {
    const date = new Date(Date.now() + 10_000).toUTCString();
    const { tidings, sleeps } = client([failure(429, 'rate-limited'), json(429, {}, { 'retry-after': '7' }), json(429, {}, { 'retry-after': date }), accepted()]);
    await tidings.send(message);
    expect(sleeps[1]).toBe(7000);
    expect(sleeps[2]).toBeGreaterThan(8000);
    expect(sleeps[2]).toBeLessThanOrEqual(10_000);
  });

  it('gives up with a typed error after the retries, or when Retry-After is too long', async () => {
    const many = client([failure(503, 'internal'), failure(503, 'internal'), failure(503, 'internal'), failure(503, 'internal')]);
    await expect(many.tidings.send(message)).rejects.toMatchObject({ status: 503, code: 'internal' });
    expect(many.calls).toHaveLength(4);
    const long = client([json(429, { error: { code: 'rate-limited', message: 'slow down' } }, { 'retry-after': '3600' })]);
    await expect(long.tidings.send(message)).rejects.toMatchObject({ status: 429, code: 'rate-limited' });
    const down = client([new TypeError('a'), new TypeError('b'), new TypeError('c'), new TypeError('d')]);
    await expect(down.tidings.status('m1')).rejects.toMatchObject({ status: 0, code: 'network-error' });
  });

  it.each([400, 401, 403, 404, 409, 413, 422, 500])('never retries a %i', async (status) => {
    const { tidings, calls } = client([failure(status, 'some-code'), accepted()]);
    const error = await tidings.send(message).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(TidingsError);
    expect(error).toMatchObject({ status, code: 'some-code', message: 'some-code!' });
    expect(calls).toHaveLength(1);
  });

  it('does not retry creating a webhook after a network error (it would make two), only after a 429', async () => {
    const lost = client([new TypeError('fetch failed'), json(201, {})]);
    await expect(lost.tidings.webhooks.create({ url: 'https://shop.example/hook', events: ['message.read'] })).rejects.toMatchObject({
      code: 'network-error',
    });
    expect(lost.calls).toHaveLength(1);
    const limited = client([failure(429, 'rate-limited'), json(201, { id: 'w1', secret: 'whsec_x' })]);
    expect(await limited.tidings.webhooks.create({ url: 'https://shop.example/hook', events: ['message.read'] })).toMatchObject({ id: 'w1' });
  });

  it('maps each call to its route', async () => {
    const { tidings, calls } = client(Array.from({ length: 11 }, () => json(200, {})));
    await tidings.cancel('a/b');
    await tidings.retract('m1');
    await tidings.status('m1');
    await tidings.list({ status: 'scheduled', limit: 5 });
    await tidings.list();
    await tidings.mintShopperToken({ userId: 'alice', name: 'Alice' });
    await tidings.webhooks.list();
    await tidings.webhooks.delete('w1');
    await tidings.webhooks.deliveries('w1');
    await tidings.webhooks.deliveries('w1', { limit: 200 });
    await tidings.schedule({ ...message, deliverAt: '2030-01-01T00:00:00Z' });
    expect(calls.map((call) => `${call.init.method} ${call.url.replace('https://push.example', '')}`)).toEqual([
      'DELETE /api/v1/messages/a%2Fb',
      'POST /api/v1/messages/m1/retract',
      'GET /api/v1/messages/m1',
      'GET /api/v1/messages?status=scheduled&limit=5',
      'GET /api/v1/messages',
      'POST /api/v1/shopper-tokens',
      'GET /api/v1/webhooks',
      'DELETE /api/v1/webhooks/w1',
      'GET /api/v1/webhooks/w1/deliveries',
      'GET /api/v1/webhooks/w1/deliveries?limit=200',
      'POST /api/v1/messages',
    ]);
  });

  it('types the webhook calls with the shared webhook schemas, not a copy of them (checked by tsc in npm test)', () => {
    expectTypeOf<Parameters<TidingsClient['webhooks']['create']>[0]>().toEqualTypeOf<CreateWebhookRequest>();
    expectTypeOf<Awaited<ReturnType<TidingsClient['webhooks']['create']>>>().toEqualTypeOf<CreateWebhookResponse>();
    expectTypeOf<Awaited<ReturnType<TidingsClient['webhooks']['list']>>>().toEqualTypeOf<WebhookListResponse>();
    expectTypeOf<Awaited<ReturnType<TidingsClient['webhooks']['deliveries']>>>().toEqualTypeOf<WebhookDeliveryListResponse>();
    expectTypeOf<Awaited<ReturnType<typeof verifyWebhook>>>().toEqualTypeOf<WebhookEvent>();
  });

  it('reads Retry-After', () => {
    expect(retryAfterMs('120')).toBe(120_000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:00 GMT'))).toBe(60_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});

describe('verifyWebhook', () => {
  // The test vector the Standard Webhooks reference libraries publish.
  const vector = {
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    timestamp: 1614265330,
    body: '{"test": 2432232314}',
    signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  };
  const at = vector.timestamp * 1000;
  const headers = (overrides: Record<string, string> = {}) => ({
    'webhook-id': vector.id,
    'webhook-timestamp': String(vector.timestamp),
    'webhook-signature': vector.signature,
    ...overrides,
  });
  const refused = (promise: Promise<unknown>) => expect(promise).rejects.toBeInstanceOf(WebhookVerificationError);

  it('accepts the spec’s test vector and returns the parsed body', async () => {
    expect(await verifyWebhook(vector.body, headers(), vector.secret, { now: at })).toEqual({ test: 2432232314 });
    // Headers objects and Node's header records alike, any case.
    expect(await verifyWebhook(vector.body, new Headers(headers()), vector.secret, { now: at })).toEqual({ test: 2432232314 });
    expect(await verifyWebhook(vector.body, { 'Webhook-Id': vector.id, 'Webhook-Timestamp': String(vector.timestamp), 'Webhook-Signature': vector.signature }, vector.secret, { now: at })).toBeTruthy();
  });

  it('accepts when any of several signatures matches (secret rotation), and ignores other versions', async () => {
    const signature = `v1,bm90IGl0 v1a,${vector.signature.slice(3)} ${vector.signature}`;
    expect(await verifyWebhook(vector.body, headers({ 'webhook-signature': signature }), vector.secret, { now: at })).toBeTruthy();
    await refused(verifyWebhook(vector.body, headers({ 'webhook-signature': `v1a,${vector.signature.slice(3)}` }), vector.secret, { now: at }));
  });

  it('refuses a tampered body, id, timestamp or signature, and the wrong secret', async () => {
    await refused(verifyWebhook('{"test": 2432232315}', headers(), vector.secret, { now: at }));
    await refused(verifyWebhook(vector.body, headers({ 'webhook-id': 'msg_other' }), vector.secret, { now: at }));
    await refused(verifyWebhook(vector.body, headers({ 'webhook-timestamp': String(vector.timestamp + 1) }), vector.secret, { now: at }));
    await refused(verifyWebhook(vector.body, headers({ 'webhook-signature': 'v1,h0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' }), vector.secret, { now: at }));
    await refused(verifyWebhook(vector.body, headers({ 'webhook-signature': 'v1,!!!' }), vector.secret, { now: at }));
    await refused(verifyWebhook(vector.body, headers(), `whsec_${crypto.randomBytes(24).toString('base64')}`, { now: at }));
  });

  it('refuses a timestamp more than 5 minutes from now, either way, and missing headers', async () => {
    expect(await verifyWebhook(vector.body, headers(), vector.secret, { now: at + 300_000 })).toBeTruthy();
    await refused(verifyWebhook(vector.body, headers(), vector.secret, { now: at + 301_000 }));
    await refused(verifyWebhook(vector.body, headers(), vector.secret, { now: at - 301_000 }));
    await refused(verifyWebhook(vector.body, headers(), vector.secret));
    await refused(verifyWebhook(vector.body, { 'webhook-id': vector.id, 'webhook-timestamp': String(vector.timestamp) }, vector.secret, { now: at }));
    await refused(verifyWebhook(vector.body, headers({ 'webhook-timestamp': '1614265330.5' }), vector.secret, { now: at }));
  });

  it('verifies what an independent signer (node:crypto) signs with a fresh secret', async () => {
    const key = crypto.randomBytes(32);
    const timestamp = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ type: 'message.read', data: { messageId: 'm1', userId: 'alice' } });
    const signature = crypto.createHmac('sha256', key).update(`msg_1.${timestamp}.${body}`).digest('base64');
    const signed = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${signature}` };
    expect(await verifyWebhook(body, signed, `whsec_${key.toString('base64')}`)).toEqual(JSON.parse(body));
  });
});
