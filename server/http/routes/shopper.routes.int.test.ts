import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorBodySchema } from '../../../shared/errors.js';
import { messagesOf, syncResponseSchema } from '../../../shared/event.schema.js';
import { ShopperTokens } from '../../auth/shopper-tokens.js';
import { messageTo, startTestServer, TEST_MERCHANT_KEY, type TestServer } from '../../test-support/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

function sync(token: string, query = '') {
  return fetch(`${server.url}/api/v1/me/sync${query}`, { headers: { authorization: `Bearer ${token}` } });
}

describe('GET /api/v1/me/sync', () => {
  it('pages through the log by cursor with no gap and no duplicate', async () => {
    for (let i = 1; i <= 7; i++) expect((await server.send(messageTo(['s-page'], { title: `m${i}` }))).status).toBe(202);
    const token = await server.tokenFor('s-page');
    const titles: string[] = [];
    let cursor = '0';
    let pages = 0;
    for (;;) {
      const res = await sync(token, `?after=${cursor}&limit=3`);
      expect(res.status).toBe(200);
      const page = syncResponseSchema.parse(await res.json());
      titles.push(...messagesOf(page.events).map((m) => m.title));
      cursor = page.cursor;
      pages++;
      if (!page.more) break;
    }
    expect(titles).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']);
    expect(pages).toBe(3);
    const empty = syncResponseSchema.parse(await (await sync(token, `?after=${cursor}`)).json());
    expect(empty).toEqual({ events: [], cursor, more: false });
  });

  it('shows a shopper only their own messages', async () => {
    await server.send(messageTo(['s-alice'], { title: 'for alice' }));
    await server.send(messageTo(['s-bob'], { title: 'for bob' }));
    await server.send(messageTo(['s-alice', 's-bob'], { title: 'for both' }));
    const alice = syncResponseSchema.parse(await (await sync(await server.tokenFor('s-alice'))).json());
    const bob = syncResponseSchema.parse(await (await sync(await server.tokenFor('s-bob'))).json());
    expect(messagesOf(alice.events).map((m) => m.title)).toEqual(['for alice', 'for both']);
    expect(messagesOf(bob.events).map((m) => m.title)).toEqual(['for bob', 'for both']);
    // Each log has its own gap-free numbering.
    expect(bob.events.map((e) => e.seq)).toEqual([1, 2]);
  });

  it.each([
    ['a negative cursor', '?after=-1'],
    ['a non-numeric cursor', '?after=abc'],
    ['a limit of 0', '?limit=0'],
    ['a limit over the maximum', '?limit=100000'],
    ['an unknown parameter', '?userId=s-bob'],
  ])('refuses %s with 400', async (_name, query) => {
    const res = await sync(await server.tokenFor('s-alice'), query);
    expect(res.status).toBe(400);
    expect(errorBodySchema.parse(await res.json()).error.code).toBe('validation-failed');
  });

  it('refuses a merchant key, a forged token and an expired token', async () => {
    const merchant = await sync(TEST_MERCHANT_KEY);
    expect(merchant.status).toBe(403);
    expect(errorBodySchema.parse(await merchant.json()).error.code).toBe('wrong-credential-kind');

    const real = await server.tokenFor('s-alice');
    const [version, , signature] = real.split('.');
    const claims = Buffer.from(JSON.stringify({ sub: 's-bob', iat: 0, exp: 4102444800 })).toString('base64url');
    const forged = await sync(`${version}.${claims}.${signature}`);
    expect(forged.status).toBe(401);
    expect(errorBodySchema.parse(await forged.json()).error.code).toBe('invalid-credentials');

    const tokens = await ShopperTokens.fromStore(server.store);
    const { token: expired } = tokens.mint('s-alice', 60, Date.now() - 120_000);
    const late = await sync(expired);
    expect(late.status).toBe(401);
    expect(errorBodySchema.parse(await late.json()).error.code).toBe('token-expired');
  });
});

describe('health and metrics', () => {
  it('answers /healthz and /metrics in Prometheus text', async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toMatchObject({ status: 'ok', store: 'sqlite' });
    await server.send(messageTo(['h-1', 'h-2']));
    const res = await fetch(`${server.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^tidings_messages_accepted_total [1-9]/m);
    expect(text).toMatch(/^tidings_stream_connections 0$/m);
    expect(text).toMatch(/tidings_http_request_duration_seconds_count\{method="POST",route="\/messages",status="202"\} [1-9]/);
  });
});
