import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorBodySchema } from '../../../shared/errors.js';
import {
  createMerchantKeyResponseSchema,
  merchantKeyListResponseSchema,
  type CreateMerchantKeyResponse,
} from '../../../shared/merchant-key.schema.js';
import { messageSchema } from '../../../shared/message.schema.js';
import { hashMerchantKey } from '../../auth/merchant-keys.js';
import { createTestSchema, type TestSchema } from '../../test-support/postgres-schema.js';
import { registeredRoutes } from '../../test-support/registered-routes.js';
import { postgresAvailable } from '../../test-support/services.js';
import { messageTo, startTestServer, tempDir, TEST_MERCHANT_KEY, type TestServer } from '../../test-support/test-server.js';
import { SqliteStore } from '../../store/sqlite/sqlite-store.js';
import type { Store } from '../../store/store.js';

/**
 * Every route of the API × every kind of caller: a platform key, a seller
 * key, a revoked key, a shopper token and no credentials. The route list is
 * read from the app's router, so a new route without a row here fails the
 * suite. docs/security.md's roles × actions table is backed by these rows.
 */

type Caller = 'platform' | 'seller' | 'revoked' | 'shopper' | 'none';
const CALLERS: readonly Caller[] = ['platform', 'seller', 'revoked', 'shopper', 'none'];

/** Who may call a route: any merchant key, a platform key only, a shopper token, or anyone. */
type Access = 'merchant' | 'platform' | 'shopper' | 'public';

interface RouteCase {
  access: Access;
  /** A request the caller would be entitled to make (its own fixtures, made fresh). */
  request(caller: Caller): Promise<{ path: string; body?: unknown }>;
  /** The status a caller who may use the route gets for that request. */
  ok: number;
}

const SHOPPER = 'roles-shopper';
let server: TestServer;
let sellerA: CreateMerchantKeyResponse;
let sellerB: CreateMerchantKeyResponse;
let revokedKey: string;
let shopperToken: string;

async function call(method: string, path: string, credential: string | undefined, body?: unknown): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(credential ? { authorization: `Bearer ${credential}` } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

async function errorOf(res: Response) {
  return errorBodySchema.parse(await res.json()).error;
}

function credentialOf(caller: Caller): string | undefined {
  return { platform: TEST_MERCHANT_KEY, seller: sellerA.key, revoked: revokedKey, shopper: shopperToken, none: undefined }[caller];
}

/** The merchant key whose fixtures a caller acts on: its own, or the platform's for callers refused anyway. */
function ownerKey(caller: Caller): string {
  return caller === 'seller' ? sellerA.key : TEST_MERCHANT_KEY;
}

async function createKey(role: 'platform' | 'seller', name: string, key = TEST_MERCHANT_KEY): Promise<CreateMerchantKeyResponse> {
  const res = await call('POST', '/api/v1/merchant-keys', key, { name, role });
  expect(res.status).toBe(201);
  return createMerchantKeyResponseSchema.parse(await res.json());
}

async function sendAs(key: string, body: Record<string, unknown>): Promise<string> {
  const res = await call('POST', '/api/v1/messages', key, body);
  expect(res.status, await res.clone().text()).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

const scheduledBy = (key: string) =>
  sendAs(key, messageTo([SHOPPER], { deliverAt: new Date(Date.now() + 3_600_000).toISOString() }));
/** A user message, sent now: one that can be read, replied to, retracted and corrected. */
const userMessageBy = (key: string) => sendAs(key, messageTo([SHOPPER], { type: 'user', sender: { id: 'agent-7', name: 'Dana' } }));

async function webhookOf(key: string): Promise<string> {
  const res = await call('POST', '/api/v1/webhooks', key, { url: 'https://93.184.216.34/hooks/tidings', events: ['message.expired'] });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

function pushKeys() {
  const ecdh = crypto.createECDH('prime256v1');
  return { p256dh: ecdh.generateKeys().toString('base64url'), auth: crypto.randomBytes(16).toString('base64url') };
}

const fixed = (path: string, body?: unknown) => async () => ({ path, ...(body !== undefined ? { body } : {}) });

const ROUTES: Record<string, RouteCase> = {
  'GET /healthz': { access: 'public', ok: 200, request: fixed('/healthz') },
  'GET /metrics': { access: 'public', ok: 200, request: fixed('/metrics') },
  'GET /api/v1/vapid-public-key': { access: 'public', ok: 200, request: fixed('/api/v1/vapid-public-key') },
  'GET /api/v1/openapi.json': { access: 'public', ok: 200, request: fixed('/api/v1/openapi.json') },
  'GET /docs/api': { access: 'public', ok: 200, request: fixed('/docs/api') },
  // Demo mode is off here: the demo routes answer the same to everyone.
  'GET /api/v1/demo': { access: 'public', ok: 404, request: fixed('/api/v1/demo') },
  'POST /api/v1/demo/sign-in': { access: 'public', ok: 404, request: fixed('/api/v1/demo/sign-in', { userId: 'alice' }) },

  'POST /api/v1/messages': { access: 'merchant', ok: 202, request: fixed('/api/v1/messages', messageTo([SHOPPER])) },
  'GET /api/v1/messages': { access: 'merchant', ok: 200, request: fixed('/api/v1/messages?status=scheduled') },
  'GET /api/v1/messages/:id': {
    access: 'merchant',
    ok: 200,
    request: async (caller) => ({ path: `/api/v1/messages/${await userMessageBy(ownerKey(caller))}` }),
  },
  'DELETE /api/v1/messages/:id': {
    access: 'merchant',
    ok: 200,
    request: async (caller) => ({ path: `/api/v1/messages/${await scheduledBy(ownerKey(caller))}` }),
  },
  'POST /api/v1/messages/:id/retract': {
    access: 'merchant',
    ok: 200,
    request: async (caller) => ({ path: `/api/v1/messages/${await userMessageBy(ownerKey(caller))}/retract` }),
  },
  'PATCH /api/v1/messages/:id': {
    access: 'merchant',
    ok: 200,
    request: async (caller) => ({ path: `/api/v1/messages/${await userMessageBy(ownerKey(caller))}`, body: { title: 'Corrected' } }),
  },
  'GET /api/v1/messages/:id/replies': {
    access: 'merchant',
    ok: 200,
    request: async (caller) => ({ path: `/api/v1/messages/${await userMessageBy(ownerKey(caller))}/replies` }),
  },
  'POST /api/v1/shopper-tokens': { access: 'platform', ok: 201, request: fixed('/api/v1/shopper-tokens', { userId: SHOPPER }) },
  'POST /api/v1/merchant-keys': {
    access: 'platform',
    ok: 201,
    request: fixed('/api/v1/merchant-keys', { name: 'Another seller', role: 'seller' }),
  },
  'GET /api/v1/merchant-keys': { access: 'platform', ok: 200, request: fixed('/api/v1/merchant-keys') },
  'DELETE /api/v1/merchant-keys/:id': {
    access: 'platform',
    ok: 204,
    request: async () => ({ path: `/api/v1/merchant-keys/${(await createKey('seller', 'To revoke')).id}` }),
  },

  'GET /api/v1/stats/deliveries': { access: 'merchant', ok: 200, request: fixed('/api/v1/stats/deliveries?from=2026-03-01&to=2026-03-07') },
  'GET /api/v1/me': { access: 'shopper', ok: 200, request: fixed('/api/v1/me') },
  // A public address literal (no DNS needed) and an event no test here causes, so nothing is ever sent to it.
  'POST /api/v1/webhooks': {
    access: 'merchant',
    ok: 201,
    request: fixed('/api/v1/webhooks', { url: 'https://93.184.216.34/hooks/tidings', events: ['message.expired'] }),
  },
  'GET /api/v1/webhooks': { access: 'merchant', ok: 200, request: fixed('/api/v1/webhooks') },
  'DELETE /api/v1/webhooks/:id': {
    access: 'merchant',
    ok: 204,
    request: async (caller) => ({ path: `/api/v1/webhooks/${await webhookOf(ownerKey(caller))}` }),
  },
  'GET /api/v1/webhooks/:id/deliveries': {
    access: 'merchant',
    ok: 200,
    request: async (caller) => ({ path: `/api/v1/webhooks/${await webhookOf(ownerKey(caller))}/deliveries` }),
  },

  'GET /api/v1/me/sync': { access: 'shopper', ok: 200, request: fixed('/api/v1/me/sync') },
  'GET /api/v1/me/messages/:id': {
    access: 'shopper',
    ok: 200,
    request: async () => ({ path: `/api/v1/me/messages/${await userMessageBy(TEST_MERCHANT_KEY)}` }),
  },
  'POST /api/v1/me/messages/:id/replies': {
    access: 'shopper',
    ok: 201,
    request: async () => ({ path: `/api/v1/me/messages/${await userMessageBy(TEST_MERCHANT_KEY)}/replies`, body: { body: 'Thanks' } }),
  },
  'GET /api/v1/me/topics': { access: 'shopper', ok: 200, request: fixed('/api/v1/me/topics') },
  'PUT /api/v1/me/topics/:topic': { access: 'shopper', ok: 204, request: fixed('/api/v1/me/topics/promotions') },
  'DELETE /api/v1/me/topics/:topic': { access: 'shopper', ok: 204, request: fixed('/api/v1/me/topics/promotions') },
  'POST /api/v1/me/state': {
    access: 'shopper',
    ok: 200,
    request: async () => ({
      path: '/api/v1/me/state',
      body: { changes: [{ messageId: await userMessageBy(TEST_MERCHANT_KEY), state: { read: { value: true, at: new Date().toISOString() } } }] },
    }),
  },
  'GET /api/v1/me/preferences': { access: 'shopper', ok: 200, request: fixed('/api/v1/me/preferences') },
  'PUT /api/v1/me/preferences': {
    access: 'shopper',
    ok: 200,
    request: async () => ({ path: '/api/v1/me/preferences', body: { preferences: {}, changedAt: new Date().toISOString() } }),
  },
  'POST /api/v1/me/push-subscriptions': {
    access: 'shopper',
    ok: 201,
    request: async () => ({
      path: '/api/v1/me/push-subscriptions',
      body: { endpoint: `https://fcm.googleapis.com/fcm/send/${crypto.randomUUID()}`, keys: pushKeys() },
    }),
  },
  'DELETE /api/v1/me/push-subscriptions': {
    access: 'shopper',
    ok: 204,
    request: async () => {
      const endpoint = `https://fcm.googleapis.com/fcm/send/${crypto.randomUUID()}`;
      expect((await call('POST', '/api/v1/me/push-subscriptions', shopperToken, { endpoint, keys: pushKeys() })).status).toBe(201);
      return { path: '/api/v1/me/push-subscriptions', body: { endpoint } };
    },
  },
};

/** What a caller gets from a route with this access: the route's own answer, or a refusal with a stable code. */
function expectedFor(access: Access, caller: Caller): 'ok' | { status: number; code: string } {
  if (access === 'public') return 'ok';
  if (caller === 'none') return { status: 401, code: 'unauthorized' };
  if (access === 'shopper') return caller === 'shopper' ? 'ok' : { status: 403, code: 'wrong-credential-kind' };
  if (caller === 'shopper') return { status: 403, code: 'wrong-credential-kind' };
  if (caller === 'revoked') return { status: 401, code: 'invalid-credentials' };
  if (caller === 'seller' && access === 'platform') return { status: 403, code: 'forbidden-for-role' };
  return 'ok';
}

/** What must not change when a request is refused: the shopper's log, the keys and their webhooks. */
async function snapshot(store: Store) {
  const merchants = await store.listMerchants();
  const webhooks = await Promise.all(merchants.map((m) => store.webhooks.listWebhooks(m.id)));
  return JSON.stringify([await store.readEvents(SHOPPER, 0, 10_000), merchants, webhooks]);
}

beforeAll(async () => {
  server = await startTestServer();
  sellerA = await createKey('seller', 'Seller A');
  sellerB = await createKey('seller', 'Seller B');
  const revoked = await createKey('platform', 'Old backend');
  expect((await call('DELETE', `/api/v1/merchant-keys/${revoked.id}`, TEST_MERCHANT_KEY)).status).toBe(204);
  revokedKey = revoked.key;
  shopperToken = await server.tokenFor(SHOPPER);
});
afterAll(() => server.close());

describe('every route × every caller', () => {
  it('has a row for every route the app serves, and no row for a route it does not', () => {
    expect(registeredRoutes(server.app).sort()).toEqual(Object.keys(ROUTES).sort());
  });

  const cases = Object.entries(ROUTES).flatMap(([route, entry]) => CALLERS.map((caller) => [route, caller, entry] as const));
  it.each(cases)('%s as %s', async (route, caller, entry) => {
    const method = route.split(' ')[0]!;
    const { path, body } = await entry.request(caller);
    const expected = expectedFor(entry.access, caller);
    const before = expected === 'ok' ? undefined : await snapshot(server.store);
    const res = await call(method, path, credentialOf(caller), body);
    if (expected === 'ok') {
      expect(res.status, await res.text()).toBe(entry.ok);
      return;
    }
    expect(res.status).toBe(expected.status);
    const error = await errorOf(res);
    expect(error.code).toBe(expected.code);
    if (expected.code === 'forbidden-for-role') expect(error.message).toMatch(/^A seller key may not .+ A seller key may send/);
    expect(await snapshot(server.store)).toBe(before);
  });
});

describe('a seller and topics', () => {
  it.each([['promotions'], ['store:someone-else'], ['store']])('may not send to the topic %s', async (topic) => {
    const before = await snapshot(server.store);
    const res = await call('POST', '/api/v1/messages', sellerA.key, { ...messageTo([]), to: { topic } });
    expect(res.status).toBe(403);
    const error = await errorOf(res);
    expect(error.code).toBe('forbidden-for-role');
    expect(error.message).toContain(`store:${sellerA.id}`);
    expect(await snapshot(server.store)).toBe(before);
  });

  it('may not send to another seller’s store topic', async () => {
    const res = await call('POST', '/api/v1/messages', sellerA.key, { ...messageTo([]), to: { topic: `store:${sellerB.id}` } });
    expect(res.status).toBe(403);
    expect((await errorOf(res)).code).toBe('forbidden-for-role');
  });

  it('sends to its own store topic; the platform sends to any topic', async () => {
    expect((await call('POST', '/api/v1/messages', sellerA.key, { ...messageTo([]), to: { topic: `store:${sellerA.id}` } })).status).toBe(202);
    expect((await call('POST', '/api/v1/messages', TEST_MERCHANT_KEY, { ...messageTo([]), to: { topic: `store:${sellerA.id}` } })).status).toBe(
      202,
    );
    expect((await call('POST', '/api/v1/messages', TEST_MERCHANT_KEY, { ...messageTo([]), to: { topic: 'promotions' } })).status).toBe(202);
  });
});

describe('a seller and other merchants’ messages', () => {
  // The same 404 as for a message that does not exist, so a seller cannot learn which ids exist.
  const actions: [string, string, (id: string) => string, unknown][] = [
    ['read the status of', 'GET', (id) => `/api/v1/messages/${id}`, undefined],
    ['read the replies to', 'GET', (id) => `/api/v1/messages/${id}/replies`, undefined],
    ['cancel', 'DELETE', (id) => `/api/v1/messages/${id}`, undefined],
    ['retract', 'POST', (id) => `/api/v1/messages/${id}/retract`, undefined],
    ['correct', 'PATCH', (id) => `/api/v1/messages/${id}`, { title: 'Hijacked' }],
  ];
  for (const [what, method, path, body] of actions) {
    it(`may not ${what} another seller’s message or the platform’s (404)`, async () => {
      for (const owner of [sellerB.key, TEST_MERCHANT_KEY]) {
        const id = what === 'cancel' ? await scheduledBy(owner) : await userMessageBy(owner);
        const stored = JSON.stringify(await server.store.getMessage(id));
        const res = await call(method, path(id), sellerA.key, body);
        expect(res.status).toBe(404);
        expect((await errorOf(res)).code).toBe('not-found');
        expect(JSON.stringify(await server.store.getMessage(id))).toBe(stored);
        expect((await call('GET', `/api/v1/messages/${id}`, owner)).status).toBe(200);
      }
    });
  }

  it('lists only its own scheduled messages', async () => {
    const own = await scheduledBy(sellerA.key);
    const other = await scheduledBy(sellerB.key);
    const listed = (await (await call('GET', '/api/v1/messages?status=scheduled&limit=100', sellerA.key)).json()) as {
      messages: { id: string }[];
    };
    const ids = listed.messages.map((m) => m.id);
    expect(ids).toContain(own);
    expect(ids).not.toContain(other);
  });
});

describe('the sender of a seller’s message', () => {
  const sellerAsSender = () => ({ id: sellerA.id, name: 'Seller A', role: 'seller' });

  async function shopperSees(id: string) {
    const res = await call('GET', `/api/v1/me/messages/${id}`, shopperToken);
    expect(res.status).toBe(200);
    return messageSchema.parse(await res.json());
  }

  it('is the seller on a system message, set by the server', async () => {
    const id = await sendAs(sellerA.key, messageTo([SHOPPER]));
    expect((await shopperSees(id)).sender).toEqual(sellerAsSender());
  });

  it('replaces whatever sender the seller wrote, on user and system messages', async () => {
    for (const spoof of [
      { id: sellerB.id, name: 'Seller B', role: 'seller' },
      { id: 'platform', name: 'Acme Marketplace' },
    ]) {
      for (const type of ['user', 'system']) {
        const id = await sendAs(sellerA.key, messageTo([SHOPPER], { type, sender: spoof }));
        expect((await shopperSees(id)).sender).toEqual(sellerAsSender());
        expect((await (await call('GET', `/api/v1/messages/${id}`, sellerA.key)).json()).sender).toEqual(sellerAsSender());
      }
    }
  });

  it('lets a seller send a user message without naming a sender', async () => {
    const id = await sendAs(sellerA.key, messageTo([SHOPPER], { type: 'user' }));
    expect((await shopperSees(id)).sender).toEqual(sellerAsSender());
  });

  it('keeps what a platform sends: its user message’s sender, and no sender on a system message', async () => {
    const user = await sendAs(TEST_MERCHANT_KEY, messageTo([SHOPPER], { type: 'user', sender: { id: 'agent-7', name: 'Dana' } }));
    expect((await shopperSees(user)).sender).toEqual({ id: 'agent-7', name: 'Dana' });
    expect((await shopperSees(await sendAs(TEST_MERCHANT_KEY, messageTo([SHOPPER])))).sender).toBeUndefined();
    const missing = await call('POST', '/api/v1/messages', TEST_MERCHANT_KEY, messageTo([SHOPPER], { type: 'user' }));
    expect(missing.status).toBe(400);
  });

  it('stays the seller on every occurrence of a recurring message', async () => {
    const res = await call('POST', '/api/v1/messages', sellerA.key, {
      ...messageTo([SHOPPER]),
      sender: { id: 'x', name: 'X' },
      repeat: { cron: '0 9 * * *' },
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect((await (await call('GET', `/api/v1/messages/${id}`, sellerA.key)).json()).sender).toEqual(sellerAsSender());
  });
});

describe('merchant keys', () => {
  it('shows a new key once, and it works at once with its role', async () => {
    const created = await createKey('seller', '  Seller C  ');
    expect(created).toMatchObject({ name: 'Seller C', role: 'seller' });
    expect(created.key).toMatch(/^tdk_/);
    expect((await call('POST', '/api/v1/messages', created.key, messageTo([SHOPPER]))).status).toBe(202);
    expect((await call('POST', '/api/v1/shopper-tokens', created.key, { userId: SHOPPER })).status).toBe(403);
  });

  it('lists keys without the key or its hash', async () => {
    const created = await createKey('seller', 'Listed');
    const res = await call('GET', '/api/v1/merchant-keys', TEST_MERCHANT_KEY);
    const text = await res.text();
    const { keys } = merchantKeyListResponseSchema.parse(JSON.parse(text));
    expect(keys.find((k) => k.id === created.id)).toEqual({ id: created.id, name: 'Listed', role: 'seller', createdAt: created.createdAt });
    expect(keys.find((k) => k.name === 'bootstrap')).toMatchObject({ role: 'platform' });
    expect(keys.find((k) => k.name === 'Old backend')?.revokedAt).toEqual(expect.any(String));
    expect(text).not.toContain(created.key);
    expect(text).not.toContain(hashMerchantKey(created.key));
    expect(text).not.toMatch(/hash/i);
  });

  it.each([
    ['an unknown role', { name: 'X', role: 'admin' }],
    ['no role', { name: 'X' }],
    ['an empty name', { name: ' ', role: 'seller' }],
    ['a name too long to be a sender name', { name: 'n'.repeat(101), role: 'seller' }],
    ['an unknown field', { name: 'X', role: 'seller', key: 'tdk_chosen-by-the-caller-0123456789' }],
  ])('refuses %s with 400 and creates nothing', async (_what, body) => {
    const before = await server.store.listMerchants();
    const res = await call('POST', '/api/v1/merchant-keys', TEST_MERCHANT_KEY, body);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('validation-failed');
    expect(await server.store.listMerchants()).toEqual(before);
  });

  it('refuses to revoke the key making the request (409), which keeps working', async () => {
    const other = await createKey('platform', 'Second backend');
    const res = await call('DELETE', `/api/v1/merchant-keys/${other.id}`, other.key);
    expect(res.status).toBe(409);
    expect((await errorOf(res)).code).toBe('cannot-revoke-own-key');
    expect((await call('GET', '/api/v1/merchant-keys', other.key)).status).toBe(200);
  });

  it('revokes at once; revoking again changes nothing; an unknown id is 404', async () => {
    const seller = await createKey('seller', 'Short-lived');
    expect((await call('DELETE', `/api/v1/merchant-keys/${seller.id}`, TEST_MERCHANT_KEY)).status).toBe(204);
    const refused = await call('POST', '/api/v1/messages', seller.key, messageTo([SHOPPER]));
    expect(refused.status).toBe(401);
    expect(await errorOf(refused)).toMatchObject({ code: 'invalid-credentials', message: 'This merchant key has been revoked' });
    const [first] = (await server.store.listMerchants()).filter((m) => m.id === seller.id);
    expect((await call('DELETE', `/api/v1/merchant-keys/${seller.id}`, TEST_MERCHANT_KEY)).status).toBe(204);
    expect((await server.store.listMerchants()).find((m) => m.id === seller.id)).toEqual(first);
    const unknown = await call('DELETE', `/api/v1/merchant-keys/${crypto.randomUUID()}`, TEST_MERCHANT_KEY);
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).code).toBe('not-found');
  });

  it('keeps a revoked BOOTSTRAP_MERCHANT_KEY revoked across a restart', async () => {
    const dataDir = tempDir();
    const bootstrap = 'tdk_bootstrap-that-gets-revoked-0123456789';
    const first = await startTestServer({ dataDir, bootstrapMerchantKey: bootstrap });
    const other = await (
      await fetch(`${first.url}/api/v1/merchant-keys`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bootstrap}` },
        body: JSON.stringify({ name: 'New backend', role: 'platform' }),
      })
    ).json();
    const merchants = await first.store.listMerchants();
    const bootstrapId = merchants.find((m) => m.name === 'bootstrap')!.id;
    const revoke = await fetch(`${first.url}/api/v1/merchant-keys/${bootstrapId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${(other as { key: string }).key}` },
    });
    expect(revoke.status).toBe(204);
    await first.close();
    const second = await startTestServer({ dataDir, bootstrapMerchantKey: bootstrap });
    try {
      expect((await second.send(messageTo([SHOPPER]), { key: bootstrap })).status).toBe(401);
    } finally {
      await second.close();
    }
  });
});

const postgres = await postgresAvailable();
const schemas: TestSchema[] = [];
afterAll(async () => {
  // One at a time: dropping a schema locks every object in it, and dozens dropped at once
  // overflow PostgreSQL's shared lock table ("out of shared memory").
  for (const schema of schemas) await schema.drop();
});

describe('revocation on every instance', () => {
  const backends: [string, boolean, () => Promise<() => Promise<Store>>][] = [
    [
      'SQLite (two stores on one file)',
      true,
      async () => {
        const dir = tempDir();
        return async () => SqliteStore.open(dir);
      },
    ],
    [
      'PostgreSQL',
      postgres.ok,
      async () => {
        const schema = await createTestSchema();
        schemas.push(schema);
        return () => schema.open();
      },
    ],
  ];
  for (const [name, available, backend] of backends) {
    it.skipIf(!available)(`a key revoked on one instance is refused by the other at its next request (${name})`, async () => {
      const open = await backend();
      const a = await startTestServer({ store: await open() });
      const b = await startTestServer({ store: await open() });
      try {
        const created = await (
          await fetch(`${a.url}/api/v1/merchant-keys`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_MERCHANT_KEY}` },
            body: JSON.stringify({ name: 'Seller', role: 'seller' }),
          })
        ).json();
        const { id, key } = createMerchantKeyResponseSchema.parse(created);
        expect((await b.send(messageTo([SHOPPER]), { key })).status).toBe(202);
        const revoke = await fetch(`${a.url}/api/v1/merchant-keys/${id}`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${TEST_MERCHANT_KEY}` },
        });
        expect(revoke.status).toBe(204);
        expect((await b.send(messageTo([SHOPPER]), { key })).status).toBe(401);
      } finally {
        await a.close();
        await b.close();
      }
    });
  }
});
