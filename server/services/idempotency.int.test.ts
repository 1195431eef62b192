import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../test-support/api.js';
import { messageTo, startTestServer, type TestServer } from '../test-support/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const withKey = (key: string) => ({ headers: { 'idempotency-key': key } });

describe('Idempotency-Key on POST /api/v1/messages', () => {
  it('answers a retry with the first answer and stores nothing twice', async () => {
    const first = await api(server.url, 'POST', '/messages', messageTo(['idem-1']), withKey('order-1042-shipped'));
    expect(first.status).toBe(202);
    const again = await api(server.url, 'POST', '/messages', messageTo(['idem-1']), withKey('order-1042-shipped'));
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(await server.store.readEvents('idem-1', 0, 10)).toHaveLength(1);
  });

  it('treats the same body in another key order as the same request', async () => {
    const body = messageTo(['idem-order']);
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const first = await api(server.url, 'POST', '/messages', body, withKey('k-order'));
    const again = await api(server.url, 'POST', '/messages', reordered, withKey('k-order'));
    expect(again.body.id).toBe(first.body.id);
  });

  it('keeps concurrent retries to one message', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => api(server.url, 'POST', '/messages', messageTo(['idem-race']), withKey('race-key'))),
    );
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([202]));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(await server.store.readEvents('idem-race', 0, 50)).toHaveLength(1);
  });

  it('refuses the same key with another body with 422 idempotency-key-reused', async () => {
    await api(server.url, 'POST', '/messages', messageTo(['idem-2']), withKey('reused'));
    const other = await api(server.url, 'POST', '/messages', messageTo(['idem-2'], { title: 'Something else' }), withKey('reused'));
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency-key-reused');
    expect(await server.store.readEvents('idem-2', 0, 10)).toHaveLength(1);
  });

  it('treats a different key as a different message', async () => {
    const a = await api(server.url, 'POST', '/messages', messageTo(['idem-3']), withKey('a'));
    const b = await api(server.url, 'POST', '/messages', messageTo(['idem-3']), withKey('b'));
    expect(a.body.id).not.toBe(b.body.id);
    expect(await server.store.readEvents('idem-3', 0, 10)).toHaveLength(2);
  });

  it.each([
    ['too long', 'x'.repeat(256)],
    ['with a space', 'has space'],
    ['with a control character', 'a\tb'],
  ])('refuses a key %s with 400 and stores nothing', async (_what, key) => {
    const res = await api(server.url, 'POST', '/messages', messageTo(['idem-bad']), withKey(key));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation-failed');
    expect(await server.store.readEvents('idem-bad', 0, 10)).toEqual([]);
  });

  it('refuses an empty key with 400', async () => {
    const res = await fetch(`${server.url}/api/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer tdk_test-merchant-key-0123456789abcdef', 'idempotency-key': '' },
      body: JSON.stringify(messageTo(['idem-empty'])),
    });
    expect(res.status).toBe(400);
    expect(await server.store.readEvents('idem-empty', 0, 10)).toEqual([]);
  });
});
