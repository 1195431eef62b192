import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturingLogger } from '../test-support/capturing-logger.js';
import type { TestSchema } from '../test-support/postgres-schema.js';
import { api, until } from '../test-support/api.js';
import { testStores } from '../test-support/services.js';
import { messageTo, startTestServerOn, TEST_MERCHANT_KEY, type TestServer } from '../test-support/test-server.js';

/**
 * Issue 9, part 2: every malformed request is a 4xx with the stable error
 * shape, never a 5xx, and both stores answer alike. Each case was a 500 (or a
 * store-dependent answer) on the code before this file.
 */
const stores = await testStores();

describe.each(stores)('malformed requests on $kind', ({ kind, available }) => {
  let schema: TestSchema | undefined;
  let server: TestServer;
  let token: string;
  let sentId: string;
  const { logger, lines: logLines } = capturingLogger();

  beforeAll(async () => {
    if (!available) return;
    ({ server, schema } = await startTestServerOn(kind, { logger }));
    token = await server.tokenFor('shopper-1');
    const sent = await server.send(messageTo(['shopper-1'], { title: 'kept', data: { order: 1042 } }));
    sentId = ((await sent.json()) as { id: string }).id;
    await until(() => api(server.url, 'GET', `/messages/${sentId}`), (res) => res.body.status === 'sent');
  });

  afterAll(async () => {
    if (!available) return;
    await server.close();
    await schema?.drop();
  });

  const raw = (path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, init);
  async function expectError(res: Response, status: number, code: string) {
    expect({ status: res.status, body: await res.json() }).toEqual({
      status,
      body: { error: expect.objectContaining({ code, message: expect.any(String) }) },
    });
  }
  const merchant = { authorization: `Bearer ${TEST_MERCHANT_KEY}` };
  const shopper = () => ({ authorization: `Bearer ${token}` });

  it.skipIf(!available)('answers 400 invalid-path to a parameter with a bad percent-escape, without credentials, and logs no error', async () => {
    const before = logLines.length;
    for (const path of ['/api/v1/messages/%ZZ', '/api/v1/messages/%E0%A4%A', '/api/v1/me/messages/%ZZ', '/api/v1/messages/%ZZ/replies', '/%ZZ']) {
      await expectError(await raw(path), 400, 'invalid-path');
    }
    await expectError(await raw('/api/v1/me/topics/%ZZ', { method: 'PUT', headers: shopper() }), 400, 'invalid-path');
    expect(logLines.slice(before).filter((line) => line.level >= 50)).toEqual([]);
  });

  it.skipIf(!available)('answers 400 invalid-path to a NUL byte in an id, the same on both stores', async () => {
    for (const [method, path, headers] of [
      ['GET', '/api/v1/messages/a%00b', merchant],
      ['DELETE', '/api/v1/messages/a%00b', merchant],
      ['POST', '/api/v1/messages/a%00b/retract', merchant],
      ['GET', '/api/v1/messages/a%00b/replies', merchant],
      ['GET', '/api/v1/me/messages/a%00b', shopper()],
      ['DELETE', '/api/v1/me/topics/a%00b', shopper()],
      ['GET', '/api/v1/messages/a%0Ab', merchant],
    ] as const) {
      await expectError(await raw(path, { method, headers }), 400, 'invalid-path');
    }
  });

  it.skipIf(!available)('answers 400 validation-failed to a NUL in a query or body string instead of reaching the store', async () => {
    await expectError(await raw('/api/v1/me/sync?after=%00', { headers: shopper() }), 400, 'validation-failed');
    await expectError(await raw('/api/v1/messages?status=scheduled&after=a%00b', { headers: merchant }), 400, 'validation-failed');
    await expectError(await raw(`/api/v1/messages/${sentId}/replies?after=a%00b`, { headers: merchant }), 400, 'validation-failed');
    const at = new Date().toISOString();
    const state = await api(server.url, 'POST', '/me/state', { changes: [{ messageId: 'a\u0000b', state: { read: { value: true, at } } }] }, { credential: token });
    expect(state).toMatchObject({ status: 400, body: { error: { code: 'validation-failed', issues: [{ path: 'changes.0.messageId' }] } } });
    for (const body of [
      messageTo(['shopper-1'], { title: 'a\u0000b' }),
      messageTo(['shopper-1'], { data: { note: 'a\u0000b' } }),
      messageTo(['shopper-1'], { data: { 'a\u0000b': 1 } }),
      messageTo(['shopper-1'], { to: { topic: 'sale\u0000' } }),
    ]) {
      await expectError(await server.send(body), 400, 'validation-failed');
    }
    const patch = await api(server.url, 'PATCH', `/messages/${sentId}`, { body: 'x\u0000' });
    expect(patch).toMatchObject({ status: 400, body: { error: { code: 'validation-failed' } } });
  });

  it.skipIf(!available)('answers 400 bad-request to a body that is not the compressed data its Content-Encoding claims', async () => {
    const before = logLines.length;
    const truncatedGzip = zlib.gzipSync(JSON.stringify(messageTo(['shopper-1']))).subarray(0, 20);
    for (const [encoding, body] of [
      ['gzip', 'not compressed'],
      ['deflate', 'not compressed'],
      ['br', 'not compressed'],
      ['gzip', truncatedGzip],
    ] as const) {
      const res = await raw('/api/v1/messages', {
        method: 'POST',
        headers: { ...merchant, 'content-type': 'application/json', 'content-encoding': encoding },
        body,
      });
      await expectError(res, 400, 'bad-request');
    }
    // Valid compressed JSON still works.
    const gzipped = await raw('/api/v1/messages', {
      method: 'POST',
      headers: { ...merchant, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: zlib.gzipSync(JSON.stringify(messageTo(['shopper-1'], { title: 'gzipped' }))),
    });
    expect(gzipped.status).toBe(202);
    const logged = logLines.slice(before);
    expect(logged.filter((line) => line.level >= 50)).toEqual([]);
    expect(logged.filter((line) => line.msg === 'client error')).toHaveLength(4);
  });

  it.skipIf(!available)('answers 400 validation-failed to data nested deeper than the bound (the 1,500 and 3,000 deep reproducers) and to __proto__ keys', async () => {
    for (const depth of [1_500, 3_000]) {
      const body = JSON.stringify(messageTo(['shopper-1'])).replace(/}$/, `,"data":{"x":${'['.repeat(depth)}${']'.repeat(depth)}}}`);
      const res = await server.send(body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string; issues: { path: string }[] } }).error).toMatchObject({
        code: 'validation-failed',
        issues: [{ path: expect.stringMatching(/^data\.x/) }],
      });
    }
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const body = JSON.stringify(messageTo(['shopper-1'])).replace(/}$/, `,"data":{"order":{"${key}":{"admin":true}}}}`);
      const res = await server.send(body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { issues: unknown } }).error.issues).toEqual([{ path: `data.order.${key}`, message: `key "${key}" is not allowed` }]);
      const patch = await raw(`/api/v1/messages/${sentId}`, {
        method: 'PATCH',
        headers: { ...merchant, 'content-type': 'application/json' },
        body: `{"data":{"${key}":1}}`,
      });
      await expectError(patch, 400, 'validation-failed');
    }
  });

  it.skipIf(!available)('refuses URLs a browser would resolve to another host, on POST and on PATCH', async () => {
    for (const url of ['/\t/evil.example', '/\n/evil.example', '/\r\\evil.example']) {
      for (const field of [{ url }, { icon: url }, { image: url }, { actions: [{ title: 'Open', url }] }]) {
        const sent = await server.send(messageTo(['shopper-1'], field));
        expect(sent.status).toBe(400);
        const patch = await api(server.url, 'PATCH', `/messages/${sentId}`, field);
        expect(patch).toMatchObject({ status: 400, body: { error: { code: 'validation-failed' } } });
      }
    }
    expect((await server.send(messageTo(['shopper-1'], { url: '/orders/1042?tab=%09' }))).status).toBe(202);
  });

  it.skipIf(!available)('lost and changed nothing that was stored', async () => {
    const res = await api(server.url, 'GET', `/me/messages/${sentId}`, undefined, { credential: token });
    expect(res).toMatchObject({ status: 200, body: { id: sentId, title: 'kept', data: { order: 1042 } } });
  });
});
