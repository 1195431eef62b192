import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorBodySchema } from '../../../shared/errors.js';
import { messagesOf } from '../../../shared/event.schema.js';
import { LIMITS } from '../../../shared/limits.js';
import { messageTo, startTestServer, type TestServer } from '../../test-support/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function errorOf(res: Response) {
  return errorBodySchema.parse(await res.json()).error;
}

/** Every bad request must leave the log exactly as it was. */
async function expectNothingStoredFor(userId: string) {
  expect(await server.store.readEvents(userId, 0, 10)).toEqual([]);
  const health = await fetch(`${server.url}/healthz`);
  expect(health.status).toBe(200);
}

describe('POST /api/v1/messages', () => {
  it('answers 202 only once the message and its events are stored', async () => {
    const res = await server.send(messageTo(['m-ok-1', 'm-ok-2', 'm-ok-1'], { priority: 5, body: 'On its way' }));
    expect(res.status).toBe(202);
    const body = (await res.json()) as { id: string; status: string; recipients: number };
    expect(body).toMatchObject({ status: 'queued', recipients: 2 });
    const [message] = messagesOf(await server.store.readEvents('m-ok-1', 0, 10));
    expect(message).toMatchObject({ id: body.id, title: 'Order #1042 shipped', priority: 5, type: 'system' });
    expect(await server.store.readEvents('m-ok-2', 0, 10)).toHaveLength(1);
  });

  it('fills defaults: type system, priority 3', async () => {
    const res = await server.send(messageTo(['m-defaults']));
    expect(res.status).toBe(202);
    const [message] = messagesOf(await server.store.readEvents('m-defaults', 0, 1));
    expect(message).toMatchObject({ type: 'system', priority: 3 });
  });

  it('lets the merchant read back what it sent, and nobody else', async () => {
    const { id } = (await (await server.send(messageTo(['m-read']))).json()) as { id: string };
    const own = await fetch(`${server.url}/api/v1/messages/${id}`, {
      headers: { authorization: `Bearer ${'tdk_test-merchant-key-0123456789abcdef'}` },
    });
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ id, recipients: 1 });
    const missing = await fetch(`${server.url}/api/v1/messages/nope`, {
      headers: { authorization: `Bearer ${'tdk_test-merchant-key-0123456789abcdef'}` },
    });
    expect(missing.status).toBe(404);
    expect((await errorOf(missing)).code).toBe('not-found');
  });

  const badCredentials: [string, Record<string, string>, number, string][] = [
    ['no Authorization header', {}, 401, 'unauthorized'],
    ['a malformed Authorization header', { authorization: 'Basic abc' }, 401, 'unauthorized'],
    ['an unknown merchant key', { authorization: 'Bearer tdk_not-a-real-key' }, 401, 'invalid-credentials'],
    ['garbage as a key', { authorization: 'Bearer abc.def' }, 401, 'invalid-credentials'],
  ];
  it.each(badCredentials)('refuses %s', async (_name, headers, status, code) => {
    const res = await fetch(`${server.url}/api/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(messageTo(['m-cred'])),
    });
    expect(res.status).toBe(status);
    expect((await errorOf(res)).code).toBe(code);
    await expectNothingStoredFor('m-cred');
  });

  it('refuses a shopper token on a merchant route', async () => {
    const token = await server.tokenFor('m-cred');
    const res = await server.send(messageTo(['m-cred']), { key: token });
    expect(res.status).toBe(403);
    expect((await errorOf(res)).code).toBe('wrong-credential-kind');
    await expectNothingStoredFor('m-cred');
  });

  const badBodies: [string, unknown, string, string?][] = [
    ['no recipients', { to: { userIds: [] }, category: 'order', title: 't' }, 'to.userIds'],
    ['no title', { to: { userIds: ['m-bad'] }, category: 'order' }, 'title'],
    ['a blank title', messageTo(['m-bad'], { title: '   ' }), 'title'],
    ['priority 0', messageTo(['m-bad'], { priority: 0 }), 'priority'],
    ['priority 6', messageTo(['m-bad'], { priority: 6 }), 'priority'],
    ['priority 2.5', messageTo(['m-bad'], { priority: 2.5 }), 'priority'],
    ['an unknown field', messageTo(['m-bad'], { colour: 'red' }), '(body)'],
    ['an unknown type', messageTo(['m-bad'], { type: 'spam' }), 'type'],
    ['a javascript: url', messageTo(['m-bad'], { url: 'javascript:alert(1)' }), 'url'],
    ['a protocol-relative url', messageTo(['m-bad'], { url: '//evil.example/x' }), 'url'],
    ['a data: icon', messageTo(['m-bad'], { icon: 'data:image/png;base64,AAAA' }), 'icon'],
    ['three actions', messageTo(['m-bad'], { actions: [1, 2, 3].map((n) => ({ title: `a${n}`, url: '/x' })) }), 'actions'],
    ['an action with a javascript: url', messageTo(['m-bad'], { actions: [{ title: 'x', url: 'javascript:1' }] }), 'actions.0.url'],
    ['a title over the limit', messageTo(['m-bad'], { title: 'x'.repeat(LIMITS.titleLength + 1) }), 'title'],
    ['data over 4 KiB', messageTo(['m-bad'], { data: { blob: 'x'.repeat(LIMITS.dataBytes) } }), 'data'],
    ['a bad user id', messageTo(['m bad']), 'to.userIds.0'],
    ['a user message without sender', messageTo(['m-bad'], { type: 'user' }), 'sender'],
    ['an expiry in the past', messageTo(['m-bad'], { expiresAt: '2020-01-01T00:00:00Z' }), 'expiresAt'],
    ['a title with a lone surrogate', messageTo(['m-bad'], { title: 'Sale \ud83d' }), 'title'],
    ['a body with a lone surrogate', messageTo(['m-bad'], { body: '\udc00 off' }), 'body'],
    ['a blank sender name', messageTo(['m-bad'], { type: 'user', sender: { id: 's1', name: '   ' } }), 'sender.name'],
    ['an expiry past the year 9999 in UTC', messageTo(['m-bad'], { expiresAt: '9999-12-31T23:59:59-14:00' }), 'expiresAt'],
    ['a deliverAt before the year 0000 in UTC', messageTo(['m-bad'], { deliverAt: '0000-01-01T00:00:00+14:00' }), 'deliverAt'],
    ['an array body', [1, 2], '(body)'],
    ['a JSON string body', '"hello"', '(body)'],
  ];
  it.each(badBodies)('refuses %s with 400 naming the field', async (_name, body, path) => {
    const res = await server.send(body);
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('validation-failed');
    expect(error.issues?.map((issue) => issue.path)).toContain(path);
    await expectNothingStoredFor('m-bad');
  });

  it('refuses too many recipients', async () => {
    const userIds = Array.from({ length: LIMITS.recipientsPerRequest + 1 }, (_, i) => `m-many-${i}`);
    const res = await server.send(messageTo(userIds));
    expect(res.status).toBe(400);
    await expectNothingStoredFor('m-many-0');
  });

  it('refuses malformed JSON with invalid-json', async () => {
    const res = await server.send('{"to": {"userIds": ["m-bad"]}, ');
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('invalid-json');
    await expectNothingStoredFor('m-bad');
  });

  it('refuses a body that is not JSON by content type', async () => {
    const res = await server.send('title=x', { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(415);
    expect((await errorOf(res)).code).toBe('unsupported-media-type');
  });

  it('refuses an oversized body with 413 before reading it all', async () => {
    const res = await server.send(messageTo(['m-bad'], { body: 'x'.repeat(LIMITS.requestBodyBytes + 10) }));
    expect(res.status).toBe(413);
    expect((await errorOf(res)).code).toBe('payload-too-large');
    await expectNothingStoredFor('m-bad');
  });

  it('answers unknown API routes with a JSON 404', async () => {
    const res = await fetch(`${server.url}/api/v1/nothing-here`);
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe('not-found');
  });
});

describe('POST /api/v1/shopper-tokens', () => {
  it('mints a token that expires when it says', async () => {
    const res = await fetch(`${server.url}/api/v1/shopper-tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer tdk_test-merchant-key-0123456789abcdef' },
      body: JSON.stringify({ userId: 'tok-1', ttlSeconds: 120 }),
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { token: string; expiresAt: string; userId: string };
    expect(body.userId).toBe('tok-1');
    const ttl = Date.parse(body.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(100_000);
    expect(ttl).toBeLessThanOrEqual(121_000);
  });

  it.each([
    ['a ttl below the minimum', { userId: 'tok-1', ttlSeconds: 5 }],
    ['a ttl above the maximum', { userId: 'tok-1', ttlSeconds: 10 ** 9 }],
    ['no user id', {}],
    ['an unknown field', { userId: 'tok-1', admin: true }],
  ])('refuses %s', async (_name, body) => {
    const res = await fetch(`${server.url}/api/v1/shopper-tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer tdk_test-merchant-key-0123456789abcdef' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('validation-failed');
  });

  it('cannot be called with a shopper token (no shopper mints tokens for others)', async () => {
    const token = await server.tokenFor('tok-2');
    const res = await fetch(`${server.url}/api/v1/shopper-tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ userId: 'someone-else' }),
    });
    expect(res.status).toBe(403);
  });
});
