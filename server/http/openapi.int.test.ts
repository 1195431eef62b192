import crypto from 'node:crypto';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../shared/errors.js';
import { registeredRoutes } from '../test-support/registered-routes.js';
import { messageTo, startTestServer, TEST_MERCHANT_KEY, type TestServer } from '../test-support/test-server.js';
import { openApiPath } from './openapi.js';

/**
 * The spec and the server agree (issue 10, part 3): every route has an
 * operation and every operation a route; requests the spec's JSON Schema
 * accepts the server accepts, and those it rejects the server answers 400;
 * what the server answers is valid against the spec's response schemas.
 * The spec is read over HTTP, as a client would, and judged by a real
 * JSON Schema 2020-12 validator (ajv), not by zod.
 */

type Json = Record<string, unknown>;
interface Operation {
  parameters?: { name: string; in: string; required: boolean; schema: Json }[];
  requestBody?: { content: Record<string, { schema: Json }> };
  responses: Record<string, { content?: Record<string, { schema: Json }>; 'x-error-codes'?: string[] }>;
  security: Record<string, string[]>[];
}

let server: TestServer;
let doc: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Json> } };
let shopperToken: string;
let ajv: Ajv2020;
let queryAjv: Ajv2020;

beforeAll(async () => {
  server = await startTestServer({ demo: true });
  shopperToken = await server.tokenFor('spec-shopper');
  doc = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as typeof doc;
  // Components become $defs of every schema compiled, so `#/components/schemas/X` resolves.
  ajv = addFormats.default(new Ajv2020({ strict: false, allErrors: true }));
  queryAjv = addFormats.default(new Ajv2020({ strict: false, allErrors: true, coerceTypes: true }));
});
afterAll(() => server.close());

const compiled = new Map<string, ValidateFunction>();
function validator(schema: Json, coerce = false): ValidateFunction {
  const key = `${coerce}${JSON.stringify(schema)}`;
  let validate = compiled.get(key);
  if (!validate) {
    const defs = JSON.parse(JSON.stringify(doc.components.schemas).replaceAll('#/components/schemas/', '#/$defs/')) as Json;
    const rewritten = JSON.parse(JSON.stringify(schema).replaceAll('#/components/schemas/', '#/$defs/')) as Json;
    validate = (coerce ? queryAjv : ajv).compile({ ...rewritten, $defs: defs });
    compiled.set(key, validate);
  }
  return validate;
}

function operation(route: string): Operation {
  const [method, path] = route.split(' ') as [string, string];
  const op = doc.paths[openApiPath(path)]?.[method.toLowerCase()];
  if (!op) throw new Error(`no operation for ${route}`);
  return op;
}

/** The query parameters of an operation as one object schema: the server refuses unknown parameters. */
function querySchema(op: Operation): Json {
  const params = (op.parameters ?? []).filter((p) => p.in === 'query');
  return {
    type: 'object',
    properties: Object.fromEntries(params.map((p) => [p.name, p.schema])),
    required: params.filter((p) => p.required).map((p) => p.name),
    additionalProperties: false,
  };
}

function credentialFor(op: Operation): string | undefined {
  const scheme = Object.keys(op.security[0] ?? {})[0];
  return scheme === 'merchantKey' ? TEST_MERCHANT_KEY : scheme === 'shopperToken' ? shopperToken : undefined;
}

async function call(route: string, path: string, body?: unknown): Promise<{ status: number; contentType: string; body: unknown }> {
  const method = route.split(' ')[0]!;
  const credential = credentialFor(operation(route));
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(credential ? { authorization: `Bearer ${credential}` } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const contentType = res.headers.get('content-type') ?? '';
  const text = await res.text();
  return { status: res.status, contentType, body: contentType.includes('json') && text ? JSON.parse(text) : text };
}

/** Checks an answer against the operation's response for its status: listed, schema-valid, and an error code listed for it. */
function expectDocumented(route: string, answer: { status: number; contentType: string; body: unknown }): void {
  const responses = operation(route).responses;
  expect(Object.keys(responses), `${route} answered ${answer.status}, which the spec does not list: ${JSON.stringify(answer.body)}`).toContain(String(answer.status));
  const response = responses[String(answer.status)];
  const media = Object.entries(response!.content ?? {}).find(([type]) => answer.contentType.startsWith(type));
  if (response!.content) {
    expect(Object.keys(response!.content), `${route} ${answer.status} content type ${answer.contentType}`).toContain(answer.contentType.split(';')[0]!.trim());
  }
  if (media?.[0] === 'application/json') {
    const validate = validator(media[1].schema);
    expect(validate(answer.body), `${route} ${answer.status}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  }
  if (response!['x-error-codes']) {
    expect(response!['x-error-codes']).toContain((answer.body as { error: { code: string } }).error.code);
  }
}

const soon = () => new Date(Date.now() + 3_600_000).toISOString();
const now = () => new Date().toISOString();
const endpoint = () => `https://fcm.googleapis.com/fcm/send/${crypto.randomUUID()}`;
function pushKeys() {
  const ecdh = crypto.createECDH('prime256v1');
  return { p256dh: ecdh.generateKeys().toString('base64url'), auth: crypto.randomBytes(16).toString('base64url') };
}
const someId = () => crypto.randomUUID();

interface Samples {
  path: () => string;
  body?: { valid: (() => unknown)[]; invalid: (() => unknown)[] };
  query?: { valid: Record<string, string>[]; invalid: Record<string, string>[] };
}

/** A hand list per operation with a body or a query: each sample's verdict is checked against the spec first, then the server. */
const SAMPLES: Record<string, Samples> = {
  'POST /api/v1/messages': {
    path: () => '/api/v1/messages',
    body: {
      valid: [
        () => messageTo(['spec-shopper']),
        () => ({ to: { topic: 'promotions' }, category: 'promotion', title: 'Sale' }),
        () => messageTo(['spec-shopper'], { deliverAt: soon() }),
        () => messageTo(['spec-shopper'], { repeat: { cron: '0 9 * * *', tz: 'Europe/Berlin' } }),
        () => messageTo(['spec-shopper'], { deliverAtLocal: '2030-06-15T09:00' }),
        () => ({ to: { topic: 'promotions' }, category: 'promotion', title: 'Sale', deliverAtLocal: '2030-06-15T09:00', fallbackTz: 'Asia/Tokyo' }),
        () => messageTo(['spec-shopper'], { repeat: { cron: '0 9 * * *', tz: 'recipient' }, fallbackTz: 'Europe/Berlin' }),
        () => messageTo(['spec-shopper'], { type: 'user', sender: { id: 'agent-7', name: 'Dana' } }),
        () => messageTo(['spec-shopper'], { digest: { key: 'wishlist-price-drop', windowSeconds: 600 } }),
        () => messageTo(['spec-shopper'], { digest: { key: 'a', windowSeconds: 86400, title: '{count} items in your wishlist dropped in price' } }),
        () =>
          messageTo(['spec-shopper'], {
            priority: 5,
            body: 'On its way',
            url: '/orders/1042',
            icon: 'https://cdn.example/icon.png',
            actions: [{ title: 'Track', url: 'https://shop.example/track/1042' }],
            data: { orderId: 1042, lines: [{ sku: 'A' }] },
            collapseKey: 'order:1042',
            expiresAt: soon(),
          }),
      ],
      invalid: [
        () => ({ to: { userIds: ['spec-shopper'] }, category: 'order' }),
        () => ({ ...messageTo(['spec-shopper']), to: { userIds: ['a'], topic: 'promotions' } }),
        () => ({ ...messageTo(['spec-shopper']), to: {} }),
        () => messageTo(['spec-shopper'], { priority: 9 }),
        () => messageTo(['spec-shopper'], { url: 'javascript:alert(1)' }),
        () => messageTo(['spec-shopper'], { url: '//evil.example/' }),
        () => messageTo(['spec-shopper'], { icon: 'http://cdn.example/icon.png' }),
        () => messageTo(['spec-shopper'], { image: 'HTTP://cdn.example/p.jpg' }),
        () => messageTo(['spec-shopper'], { colour: 'red' }),
        () => messageTo(['spec-shopper'], { type: 'user' }),
        () => messageTo(['spec-shopper'], { sender: { id: 'a', name: 'A' } }),
        () => messageTo(['spec-shopper'], { type: 'scheduled' }),
        () => messageTo(['spec-shopper'], { repeat: { cron: '0 9 * * *' }, expiresAt: soon() }),
        () => messageTo(['spec-shopper'], { title: 't'.repeat(201) }),
        () => messageTo(['spec-shopper'], { data: [1, 2] }),
        () => messageTo([]),
        () => messageTo(['spec shopper']),
        () => messageTo(['spec-shopper'], { deliverAt: 'tomorrow' }),
        () => messageTo(['spec-shopper'], { deliverAtLocal: '2030-06-15T09:00:00' }),
        () => messageTo(['spec-shopper'], { deliverAtLocal: '2030-06-15T09:00+02:00' }),
        () => messageTo(['spec-shopper'], { deliverAtLocal: '2030-06-15T09:00', deliverAt: soon() }),
        () => messageTo(['spec-shopper'], { deliverAtLocal: '2030-06-15T09:00', repeat: { cron: '0 9 * * *' } }),
        () => messageTo(['spec-shopper'], { deliverAtLocal: '2030-06-15T09:00', fallbackTz: '' }),
        () => messageTo(['spec-shopper'], { fallbackTz: 'Europe/Berlin' }),
        () => messageTo(['spec-shopper'], { repeat: { cron: '0 9 * * *', tz: 'Europe/Berlin' }, fallbackTz: 'Europe/Berlin' }),
        () => messageTo(['spec-shopper'], { digest: { key: 'price drop', windowSeconds: 600 } }),
        () => messageTo(['spec-shopper'], { digest: { key: 'k'.repeat(65), windowSeconds: 600 } }),
        () => messageTo(['spec-shopper'], { digest: { key: '', windowSeconds: 600 } }),
        () => messageTo(['spec-shopper'], { digest: { key: 'drop', windowSeconds: 59 } }),
        () => messageTo(['spec-shopper'], { digest: { key: 'drop', windowSeconds: 86401 } }),
        () => messageTo(['spec-shopper'], { digest: { key: 'drop', windowSeconds: 60.5 } }),
        () => messageTo(['spec-shopper'], { digest: { key: 'drop' } }),
        () => messageTo(['spec-shopper'], { digest: { key: 'drop', windowSeconds: 600, title: '   ' } }),
        () => messageTo(['spec-shopper'], { digest: { key: 'drop', windowSeconds: 600, every: 'day' } }),
        () => messageTo(['spec-shopper'], { digest: { key: 'drop', windowSeconds: 600 }, repeat: { cron: '0 9 * * *' } }),
      ],
    },
  },
  'GET /api/v1/messages': {
    path: () => '/api/v1/messages',
    query: {
      valid: [{}, { status: 'sent' }, { status: 'scheduled', limit: '5' }, { after: 'x', limit: '200' }, { status: 'reply' }, { q: 'order' }, { q: '30%_', status: 'scheduled' }, { order: 'newest' }, { order: 'id', status: 'scheduled' }],
      invalid: [{ status: 'delivered' }, { order: 'oldest' }, { limit: '0' }, { limit: 'many' }, { limit: '201' }, { sort: 'newest' }, { q: '' }, { q: 'x'.repeat(101) }],
    },
  },
  'PATCH /api/v1/messages/:id': {
    path: () => `/api/v1/messages/${someId()}`,
    body: {
      valid: [() => ({ title: 'Corrected' }), () => ({ priority: 5, body: 'New text' }), () => ({ image: 'https://cdn.example/p.jpg' })],
      invalid: [() => ({}), () => ({ to: { userIds: ['x'] } }), () => ({ title: '' }), () => ({ url: 'javascript:x' }), () => ({ icon: 'http://cdn.example/i.png' })],
    },
  },
  'GET /api/v1/messages/:id/replies': {
    path: () => `/api/v1/messages/${someId()}/replies`,
    query: { valid: [{}, { limit: '10', after: 'abc' }], invalid: [{ limit: '201' }, { page: '2' }] },
  },
  'POST /api/v1/shopper-tokens': {
    path: () => '/api/v1/shopper-tokens',
    body: {
      valid: [() => ({ userId: 'alice' }), () => ({ userId: 'alice', name: 'Alice Liddell', ttlSeconds: 600 })],
      invalid: [
        () => ({}),
        () => ({ userId: 'a b' }),
        () => ({ userId: 'alice', ttlSeconds: 5 }),
        () => ({ userId: 'alice', name: 'Eve\u0007' }),
        () => ({ userId: 'alice', name: 'n'.repeat(101) }),
      ],
    },
  },
  'POST /api/v1/merchant-keys': {
    path: () => '/api/v1/merchant-keys',
    body: {
      valid: [() => ({ name: 'Seller S', role: 'seller' })],
      invalid: [() => ({ name: 'Seller S' }), () => ({ name: 'X', role: 'admin' }), () => ({ name: 'X', role: 'seller', key: 'tdk_x' })],
    },
  },
  'POST /api/v1/webhooks': {
    path: () => '/api/v1/webhooks',
    body: {
      // A public address literal, so no DNS is asked; an event nothing here causes.
      valid: [() => ({ url: 'https://93.184.216.34/hooks/spec', events: ['message.expired'] })],
      invalid: [
        () => ({}),
        () => ({ url: 'https://93.184.216.34/hooks/spec', events: [] }),
        () => ({ url: 'https://93.184.216.34/hooks/spec', events: ['message.opened'] }),
        () => ({ url: 'https://93.184.216.34/hooks/spec', events: ['message.read'], secret: 'whsec_x' }),
      ],
    },
  },
  'GET /api/v1/stats/deliveries': {
    path: () => '/api/v1/stats/deliveries',
    query: {
      valid: [{ from: '2026-03-01', to: '2026-03-31' }, { from: '2026-03-29', to: '2026-03-29', tz: 'Europe/Paris' }],
      invalid: [{}, { from: '2026-03-01' }, { from: '2026-3-1', to: '2026-03-31' }, { from: '2026-03-01', to: '2026-03-31', days: '7' }],
    },
  },
  'GET /api/v1/webhooks/:id/deliveries': {
    path: () => `/api/v1/webhooks/${someId()}/deliveries`,
    query: { valid: [{}, { limit: '10' }], invalid: [{ limit: '0' }, { limit: '201' }, { page: '2' }] },
  },
  'GET /api/v1/me/sync': {
    path: () => '/api/v1/me/sync',
    query: { valid: [{}, { after: '0', limit: '10' }], invalid: [{ limit: '0' }, { after: 'latest' }, { since: '1' }] },
  },
  'POST /api/v1/me/messages/:id/replies': {
    path: () => `/api/v1/me/messages/${someId()}/replies`,
    body: { valid: [() => ({ body: 'Thanks' })], invalid: [() => ({}), () => ({ body: '' }), () => ({ body: 'x'.repeat(2001) })] },
  },
  'POST /api/v1/me/state': {
    path: () => '/api/v1/me/state',
    body: {
      valid: [() => ({ changes: [{ messageId: someId(), state: { read: { value: true, at: now() } } }] })],
      invalid: [() => ({ changes: [] }), () => ({}), () => ({ changes: [{ messageId: someId(), state: { read: true } }] })],
    },
  },
  'PUT /api/v1/me/preferences': {
    path: () => '/api/v1/me/preferences',
    body: {
      valid: [
        () => ({ preferences: {}, changedAt: now() }),
        () => ({ preferences: { locale: 'zh-CN', theme: 'dark' }, changedAt: now() }),
        () => ({ preferences: { quietHours: { start: '22:00', end: '07:00', deferred: true } }, changedAt: now() }),
      ],
      invalid: [
        () => ({ preferences: {} }),
        () => ({ preferences: { colour: 'red' }, changedAt: now() }),
        () => ({ preferences: { locale: 'fr' }, changedAt: now() }),
        () => ({ preferences: { theme: 'sepia' }, changedAt: now() }),
        () => ({ preferences: { quietHours: { start: '22:00', end: '07:00', deferred: 'yes' } }, changedAt: now() }),
      ],
    },
  },
  'POST /api/v1/me/push-subscriptions': {
    path: () => '/api/v1/me/push-subscriptions',
    body: {
      valid: [() => ({ endpoint: endpoint(), keys: pushKeys() }), () => ({ endpoint: endpoint(), expirationTime: null, keys: pushKeys() })],
      invalid: [() => ({ endpoint: 'not a url', keys: pushKeys() }), () => ({ endpoint: endpoint() }), () => ({})],
    },
  },
  'DELETE /api/v1/me/push-subscriptions': {
    path: () => '/api/v1/me/push-subscriptions',
    body: { valid: [() => ({ endpoint: endpoint() })], invalid: [() => ({}), () => ({ endpoint: 42 })] },
  },
  'POST /api/v1/demo/sign-in': {
    path: () => '/api/v1/demo/sign-in',
    body: { valid: [() => ({ userId: 'alice' })], invalid: [() => ({}), () => ({ userId: 'alice', as: 'admin' })] },
  },
};

describe('the OpenAPI document', () => {
  it('has an operation for every route the app serves, and a route for every operation', () => {
    const served = registeredRoutes(server.app).map((route) => {
      const [method, path] = route.split(' ') as [string, string];
      return `${method} ${openApiPath(path)}`;
    });
    const described = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`));
    expect(described.sort()).toEqual([...new Set(served)].sort());
  });

  it('is OpenAPI 3.1 whose schemas all compile, and lists every error code', () => {
    expect((doc as unknown as { openapi: string }).openapi).toBe('3.1.0');
    const errorBody = doc.components.schemas.ErrorBody as { properties: { error: { properties: { code: { enum: string[] } } } } };
    expect(errorBody.properties.error.properties.code.enum).toEqual([...ERROR_CODES]);
    const listed = new Set<string>();
    for (const ops of Object.values(doc.paths)) {
      for (const op of Object.values(ops)) {
        for (const response of Object.values(op.responses)) {
          for (const code of response['x-error-codes'] ?? []) listed.add(code);
          for (const media of Object.values(response.content ?? {})) validator(media.schema);
        }
        for (const media of Object.values(op.requestBody?.content ?? {})) validator(media.schema);
      }
    }
    expect([...listed].sort()).toEqual([...ERROR_CODES].sort());
  });

  it('has samples for every operation with a body or a query', () => {
    const withInput = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.requestBody || op.parameters?.some((p) => p.in === 'query'))
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(withInput.sort()).toEqual(Object.keys(SAMPLES).map((route) => `${route.split(' ')[0]} ${openApiPath(route.split(' ')[1]!)}`).sort());
  });
});

describe('requests the spec accepts, the server accepts; those it rejects, the server answers 400', () => {
  const cases = Object.entries(SAMPLES).flatMap(([route, samples]) => [
    ...(samples.body?.valid ?? []).map((make, i) => [`${route} body #${i} valid`, route, samples, { body: make }, true] as const),
    ...(samples.body?.invalid ?? []).map((make, i) => [`${route} body #${i} invalid`, route, samples, { body: make }, false] as const),
    ...(samples.query?.valid ?? []).map((query, i) => [`${route} query #${i} valid`, route, samples, { query }, true] as const),
    ...(samples.query?.invalid ?? []).map((query, i) => [`${route} query #${i} invalid`, route, samples, { query }, false] as const),
  ]);

  it.each(cases)('%s', async (_name, route, samples, input, valid) => {
    const op = operation(route);
    let path = samples.path();
    let body: unknown;
    if ('body' in input) {
      body = input.body();
      const validate = validator(op.requestBody!.content['application/json']!.schema);
      expect(validate(body), `the spec's verdict on ${JSON.stringify(body)}: ${ajv.errorsText(validate.errors)}`).toBe(valid);
    } else {
      const query = { ...input.query };
      const validate = validator(querySchema(op), true);
      expect(validate({ ...query }), `the spec's verdict on ?${new URLSearchParams(query)}`).toBe(valid);
      path += `?${new URLSearchParams(query)}`;
    }
    const answer = await call(route, path, body);
    if (valid) expect(answer.status, JSON.stringify(answer.body)).not.toBe(400);
    else expect(answer, JSON.stringify(answer.body)).toMatchObject({ status: 400, body: { error: { code: 'validation-failed' } } });
    expectDocumented(route, answer);
  });
});

describe('generated requests: the spec and the server give the same verdict', () => {
  /** Each field mostly valid, sometimes not, present or not: what a shop's code (or its bugs) would send. */
  const later = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();
  const field = (valid: unknown[], invalid: unknown[]) =>
    fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...valid) }, { weight: 1, arbitrary: fc.constantFrom(...invalid) });
  const anyMessageBody = fc.record(
    {
      to: field([{ userIds: ['spec-gen'] }, { topic: 'promotions' }], [{}, { userIds: [] }, { userIds: ['a b'] }, { userIds: ['x'], topic: 'y' }]),
      category: field(['order', 'shipping'], ['Order', '', 'c'.repeat(33), 7]),
      title: field(['Shipped', ' padded '], ['   ', '', 't'.repeat(201), null]),
      priority: field([1, 3, 5], [0, 6, 2.5, '3']),
      body: field(['On its way', ''], ['b'.repeat(4001)]),
      url: field(['/orders/1', 'https://shop.example/a'], ['javascript:alert(1)', '//evil.example', '/\\evil.example', 'ftp://x', '/a\tb']),
      icon: field(['/icons/order.png', 'https://cdn.example/i.png'], ['http://cdn.example/i.png', '//cdn.example/i.png']),
      type: field(['system', 'user', 'scheduled'], ['promo']),
      sender: field([{ id: 'agent-7', name: 'Dana' }], [{ id: 'agent 7', name: 'Dana' }, { id: 'a' }]),
      deliverAt: field([later(1)], ['soon', 17]),
      deliverAtLocal: field(['2030-06-15T09:00'], ['2030-06-15T09:00:00', '2030-06-15 09:00', 9]),
      fallbackTz: field(['Europe/Berlin', 'UTC'], ['', 7]),
      repeat: field([{ cron: '0 9 * * *' }], [{ cron: '' }, { cron: '0 9 * * *', extra: 1 }]),
      expiresAt: field([later(2)], ['never']),
      data: field([{ orderId: 1042 }, { nested: { deep: [true, null] } }], [[1, 2], 'x']),
      collapseKey: field(['order:1042'], ['order 1042', '']),
      digest: field([{ key: 'price-drop', windowSeconds: 600 }, { key: 'd', windowSeconds: 60, title: '{count} drops' }], [{ key: 'a b', windowSeconds: 600 }, { key: 'd', windowSeconds: 59 }, { key: 'd' }]),
    },
    { requiredKeys: ['to', 'category', 'title'] },
  );
  /**
   * The local-time fields in three bodies of ten, two of them without deliverAt and repeat (which
   * they exclude): with every field as likely as the others, too few bodies would be valid to compare.
   */
  const messageBody = fc
    .tuple(anyMessageBody, fc.integer({ min: 0, max: 9 }))
    .map(([{ deliverAtLocal, fallbackTz, ...body }, dice]) => {
      if (dice >= 3) return body;
      const { deliverAt: _at, repeat: _repeat, ...untimed } = body;
      return { ...(dice === 0 ? body : untimed), deliverAtLocal, fallbackTz };
    })
    .map((body) => Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined)));
  const tokenBody = fc.record(
    {
      userId: field(['alice', 'bob.b@shop'], ['a b', '', 'u'.repeat(129), 42]),
      name: field(['Alice', '  Alice  '], ['   ', 'Eve\u0007', 'n'.repeat(101), '']),
      ttlSeconds: field([60, 600, 30 * 24 * 3600], [59, 30 * 24 * 3600 + 1, 1.5, '600']),
    },
    { requiredKeys: ['userId'] },
  );
  /** Now and then a field the schema does not know, which the server refuses (unknown fields are never ignored). */
  const withStray = <T extends object>(body: fc.Arbitrary<T>) =>
    fc.tuple(body, fc.integer({ min: 0, max: 9 })).map(([value, dice]) => (dice === 0 ? { ...value, stray: 1 } : value));

  it.each([
    ['POST /api/v1/messages', withStray(messageBody)],
    ['POST /api/v1/shopper-tokens', withStray(tokenBody)],
  ] as const)('%s', async (route, arbitrary) => {
    const validate = validator(operation(route).requestBody!.content['application/json']!.schema);
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(arbitrary, async (body) => {
        const specAccepts = validate(body);
        const answer = await call(route, route.split(' ')[1]!, body);
        expect(answer.status === 400, `spec ${specAccepts ? 'accepts' : 'rejects'} ${JSON.stringify(body)}; server: ${JSON.stringify(answer.body)}`).toBe(!specAccepts);
        if (specAccepts) accepted++;
      }),
      { numRuns: 150 },
    );
    // The generator is not so wild that the spec (and the server) refuse everything.
    expect(accepted).toBeGreaterThan(0);
  });
});

describe('every answer the server gives is one the spec describes', () => {
  const sentBy = async (extra: Record<string, unknown> = {}) => {
    const res = await server.send(messageTo(['spec-shopper'], extra));
    return ((await res.json()) as { id: string }).id;
  };
  const REQUESTS: Record<string, () => Promise<{ path: string; body?: unknown }>> = {
    'GET /healthz': async () => ({ path: '/healthz' }),
    'GET /metrics': async () => ({ path: '/metrics' }),
    'GET /api/v1/openapi.json': async () => ({ path: '/api/v1/openapi.json' }),
    'GET /docs/api': async () => ({ path: '/docs/api' }),
    'GET /api/v1/vapid-public-key': async () => ({ path: '/api/v1/vapid-public-key' }),
    'GET /api/v1/demo': async () => ({ path: '/api/v1/demo' }),
    'GET /api/v1/messages/:id': async () => ({ path: `/api/v1/messages/${await sentBy()}` }),
    'GET /api/v1/messages/:id (scheduled)': async () => ({ path: `/api/v1/messages/${await sentBy({ repeat: { cron: '0 9 * * *' } })}` }),
    'GET /api/v1/messages/:id (local time)': async () => ({ path: `/api/v1/messages/${await sentBy({ deliverAtLocal: '2030-06-15T09:00' })}` }),
    'GET /api/v1/messages/:id (digest)': async () => ({ path: `/api/v1/messages/${await sentBy({ digest: { key: 'drop', windowSeconds: 60, title: '{count} drops' } })}` }),
    'DELETE /api/v1/messages/:id': async () => ({ path: `/api/v1/messages/${await sentBy({ deliverAt: soon() })}` }),
    'DELETE /api/v1/messages/:id (sent)': async () => ({ path: `/api/v1/messages/${await sentBy()}` }),
    'POST /api/v1/messages/:id/retract': async () => ({ path: `/api/v1/messages/${await sentBy()}/retract` }),
    'POST /api/v1/messages/:id/retract (unknown)': async () => ({ path: `/api/v1/messages/${someId()}/retract` }),
    'PATCH /api/v1/messages/:id': async () => ({ path: `/api/v1/messages/${await sentBy()}`, body: { title: 'Corrected' } }),
    'GET /api/v1/messages?status=scheduled': async () => ({ path: '/api/v1/messages?status=scheduled' }),
    'GET /api/v1/messages': async () => ({ path: '/api/v1/messages?limit=3' }),
    'GET /api/v1/merchant-keys': async () => ({ path: '/api/v1/merchant-keys' }),
    'DELETE /api/v1/merchant-keys/:id': async () => ({ path: `/api/v1/merchant-keys/${someId()}` }),
    'GET /api/v1/me': async () => ({ path: '/api/v1/me' }),
    'GET /api/v1/me/sync': async () => ({ path: '/api/v1/me/sync' }),
    'GET /api/v1/me/messages/:id': async () => ({ path: `/api/v1/me/messages/${await sentBy()}` }),
    'POST /api/v1/me/messages/:id/replies': async () => ({
      path: `/api/v1/me/messages/${await sentBy({ type: 'user', sender: { id: 'agent-7', name: 'Dana' } })}/replies`,
      body: { body: 'Thanks' },
    }),
    'GET /api/v1/me/topics': async () => ({ path: '/api/v1/me/topics' }),
    'PUT /api/v1/me/topics/:topic': async () => ({ path: '/api/v1/me/topics/promotions' }),
    'PUT /api/v1/me/topics/:topic (invalid)': async () => ({ path: '/api/v1/me/topics/NOT%20A%20TOPIC' }),
    'DELETE /api/v1/me/topics/:topic': async () => ({ path: '/api/v1/me/topics/promotions' }),
    'GET /api/v1/me/preferences': async () => ({ path: '/api/v1/me/preferences' }),
  };
  it.each(Object.keys(REQUESTS))('%s', async (name) => {
    const route = name.replace(/ \(.*\)$/, '').replace(/\?.*$/, '');
    const { path, body } = await REQUESTS[name]!();
    expectDocumented(route, await call(route, path, body));
  });

  it('describes a refusal for lack of credentials on every protected operation', async () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (op.security.length === 0) continue;
        const res = await fetch(`${server.url}${path.replace(/\{[^}]+\}/g, 'x')}`, { method: method.toUpperCase() });
        const route = `${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`;
        expectDocumented(route, { status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.json() });
      }
    }
  });
});
