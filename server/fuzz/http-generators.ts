import fc from 'fast-check';
import type { RawRequest } from './raw-http.js';
import { bodyArb, bodyBytes, type FuzzBody } from './body-generators.js';
import { describeValue, Huge, nastyString } from './nasty-values.js';
import { seedsFor, validParams, type FuzzIds } from './route-seeds.js';
import { routeKey, type RouteInfo } from './route-table.js';

/**
 * One generated request, before a credential is added. Kept as data (not
 * bytes) so a failing case prints readably and shrinks field by field.
 */
export interface FuzzRequest {
  /** The route it was generated for (`GET /api/v1/messages/:id`), for the counts. */
  route: string;
  method: string;
  target: string;
  headers: [string, string][];
  body: FuzzBody;
  /** Declare more bytes than the body has, then half-close: the body ends early. */
  longContentLength?: number;
  chunked?: boolean;
  /** An Authorization header that is wrong in some way; sent as a fourth credential. */
  badAuthorization?: string;
}

/** Which credential a request is sent with. */
export type Credential = 'none' | 'merchant' | 'shopper' | 'bad';
export const CREDENTIALS: readonly Credential[] = ['none', 'merchant', 'shopper'];

// ---- path ----------------------------------------------------------------

/** Percent-encodes the UTF-8 bytes of anything outside the unreserved set; lone surrogates become U+FFFD as on any real client. */
export function encodeSegment(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9_.~:@+-]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** A path parameter: a real id most of the time, else something that should be a clean 4xx. */
function paramArb(name: string, ids: FuzzIds): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...validParams(name, ids).map(encodeSegment)) },
    { weight: 2, arbitrary: fc.constantFrom('%ZZ', '%', '%0', '%E0%A4%A', '%C0%AF', '%ED%A0%80', '%FF', '%00', 'a%00b', '%25', '..', '.', '%2e%2e', 'a%2Fb', '%2F', 'a%5Cb') },
    { weight: 2, arbitrary: nastyString.map((s) => encodeSegment(s instanceof Huge ? s.text().slice(0, 6000) : s)) },
    { weight: 1, arbitrary: fc.constantFrom(129, 1000, 6000).map((n) => 'a'.repeat(n)) },
    { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...'abc%0Z.-_~!$&\'()*+,;=:@'), maxLength: 12 }) },
  );
}

/** The route's pattern with its params filled in. */
function pathArb(route: RouteInfo, ids: FuzzIds): fc.Arbitrary<string> {
  return fc.tuple(...route.params.map((name) => paramArb(name, ids))).map((values) => {
    let i = 0;
    return route.path.replace(/:([A-Za-z0-9_]+)/g, () => values[i++]!);
  });
}

/** Sometimes the path is bent a little after its params: a trailing slash, an extra segment, a bad escape. */
const pathBend = fc.oneof({ weight: 3, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('/', '/%ZZ', '/..', '//', '/extra', '.json', '%00', ';a=b') });

// ---- query ---------------------------------------------------------------

const queryKey = fc.oneof(
  fc.constantFrom('after', 'limit', 'status', 'a[b]', 'after[]', '__proto__', 'constructor', 'token'),
  fc.string({ unit: 'grapheme-ascii', maxLength: 6 }).map(encodeSegment),
);
const queryValue = fc.oneof(
  fc.constantFrom('', '0', '1', '-1', '1e3', '0x10', '01', '9999999999999999', '99999999999999999999', 'NaN', 'scheduled', 'SCHEDULED', '%ZZ', '%00', 'a%00b', '%ED%A0%80'),
  nastyString.map((s) => encodeSegment(s instanceof Huge ? s.text().slice(0, 1500) : s)),
);
const queryPairs = fc.array(fc.tuple(queryKey, queryValue), { maxLength: 4 });

function queryArb(seeds: Record<string, string>[]): fc.Arbitrary<string> {
  const seeded =
    seeds.length === 0
      ? queryPairs
      : fc
          .tuple(fc.constantFrom(...seeds), queryPairs, fc.boolean())
          // A seed with nasty pairs added (repeated keys become arrays: ?after=1&after=2).
          .map(([seed, extra, keep]) => [...(keep ? Object.entries(seed).map(([k, v]) => [k, encodeSegment(v)] as [string, string]) : []), ...extra]);
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant('') },
    { weight: 3, arbitrary: seeded.map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`)) },
    { weight: 1, arbitrary: fc.constantFrom('?', '?&&', '?=', '?after', '?limit=1&limit=2', '?after=%', '?a[b]=c&a[c]=d') },
  );
}

// ---- headers -------------------------------------------------------------

/** Header values any HTTP client can put on the wire: visible ASCII, space, tab and Latin-1. */
const headerText = fc.string({ unit: fc.constantFrom(...'ab09 \t-_=/,;"\'\\%é\u00ff\u0080'), maxLength: 20 });

const CONTENT_TYPES = [
  'application/json',
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/json; charset=',
  'application/json;;',
  'APPLICATION/JSON',
  'application/merge-patch+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  '*/*',
  'json',
  '',
];

const badAuthorization = fc.oneof(
  fc.constantFrom('', 'Bearer', 'Bearer ', 'Bearer  ', 'Basic dXNlcjpwYXNz', 'bearer tdk_', 'Bearer tdk_wrong', 'Bearer a b', 'Bearer eyJ.eyJ.sig', 'Token x'),
  headerText.map((t) => `Bearer ${t}`),
  fc.constantFrom(300, 5000).map((n) => `Bearer tdk_${'x'.repeat(n)}`),
);

// Mostly what a real client sends, so that many requests get past the headers into validation and the stores.
const headersArb = fc.record(
  {
    contentType: fc.oneof({ weight: 6, arbitrary: fc.constant('application/json') }, { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) }),
    idempotencyKey: fc.oneof(
      { weight: 3, arbitrary: fc.uuid() },
      { weight: 1, arbitrary: fc.constantFrom('', ' ', 'a'.repeat(256), 'é', 'a b', '\t') },
      { weight: 1, arbitrary: headerText },
    ),
    accept: fc.oneof(fc.constantFrom('application/json', '*/*', 'text/html'), headerText),
    extra: fc.oneof(
      fc.tuple(fc.constantFrom('X-Forwarded-For', 'X-Request-Id', 'Origin', 'Cookie', 'Accept-Encoding'), headerText),
      fc.tuple(fc.constant('Expect'), fc.constantFrom('100-continue', '100-continue', '100-continue', '100-continue', 'x-unknown')),
    ),
  },
  { requiredKeys: ['contentType'] },
);

// ---- the request ---------------------------------------------------------

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** How a request is sent, apart from its path, query and body. */
interface Envelope {
  method: string;
  bend: string;
  headers: { contentType: string; idempotencyKey?: string; accept?: string; extra?: [string, string] };
  framing: 'length' | 'chunked' | 'long';
  badAuthorization?: string;
}

/**
 * A third of requests come in a clean envelope (the route's method, JSON,
 * nothing odd in the headers or framing), so bodies often get past the
 * headers into validation and the stores; the rest in an odd one.
 */
function envelopeArb(route: RouteInfo): fc.Arbitrary<Envelope> {
  const clean = fc.constant<Envelope>({ method: route.method, bend: '', headers: { contentType: 'application/json' }, framing: 'length' });
  const odd: fc.Arbitrary<Envelope> = fc.record(
    {
      method: fc.oneof({ weight: 9, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
      bend: pathBend,
      headers: headersArb,
      framing: fc.oneof({ weight: 6, arbitrary: fc.constant('length' as const) }, { weight: 1, arbitrary: fc.constantFrom('chunked' as const, 'long' as const) }),
      badAuthorization: badAuthorization,
    },
    { requiredKeys: ['method', 'bend', 'headers', 'framing'] },
  );
  return fc.oneof({ weight: 1, arbitrary: clean }, { weight: 2, arbitrary: odd });
}

/** Requests aimed at one route: its method, its params filled in, bodies and queries grown from its seeds. */
export function requestArb(route: RouteInfo, ids: FuzzIds): fc.Arbitrary<FuzzRequest> {
  const seeds = seedsFor(route, ids);
  return fc
    .record({ envelope: envelopeArb(route), path: pathArb(route, ids), query: queryArb(seeds.queries), body: bodyArb(seeds.bodies) })
    .map(({ envelope: { method, bend, headers, framing, badAuthorization }, path, query, body }) => {
      const list: [string, string][] = [];
      if (body.kind !== 'none' && headers.contentType !== '') list.push(['Content-Type', headers.contentType]);
      if (body.kind === 'encoded') list.push(['Content-Encoding', body.encoding]);
      if (headers.idempotencyKey !== undefined) list.push(['Idempotency-Key', headers.idempotencyKey]);
      if (headers.accept !== undefined) list.push(['Accept', headers.accept]);
      if (headers.extra !== undefined) list.push(headers.extra);
      const request: FuzzRequest = { route: routeKey(route), method, target: path + bend + query, headers: list, body };
      if (body.kind !== 'none' && framing === 'chunked') request.chunked = true;
      if (body.kind !== 'none' && framing === 'long') request.longContentLength = 7;
      if (badAuthorization !== undefined) request.badAuthorization = badAuthorization;
      return request;
    });
}

/** Requests for any of `routes`, each route equally likely. */
export function requestsFor(routes: readonly RouteInfo[], ids: FuzzIds): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(...routes.map((route) => requestArb(route, ids)));
}

/** Requests to paths no route matches: the 404 handler and the router's own decoding. */
export function strayRequestArb(ids: FuzzIds): fc.Arbitrary<FuzzRequest> {
  const stray: RouteInfo = { method: 'GET', path: '/api/v1/:id', params: ['id'] };
  return fc
    .tuple(requestArb(stray, ids), fc.constantFrom('/api/v1/', '/api/v2/', '/', '/%ZZ/', '/api/v1/me/', '/api/v1/messages/%ZZ/', '/healthz/'))
    .map(([request, prefix]) => ({ ...request, route: 'unmatched', target: request.target.replace('/api/v1/', prefix) }));
}

/** The request on the wire, with one credential. */
export function toRawRequest(request: FuzzRequest, credential: Credential, secrets: { merchantKey: string; shopperToken: string }): RawRequest {
  const headers = [...request.headers];
  if (credential === 'merchant') headers.push(['Authorization', `Bearer ${secrets.merchantKey}`]);
  if (credential === 'shopper') headers.push(['Authorization', `Bearer ${secrets.shopperToken}`]);
  if (credential === 'bad' && request.badAuthorization !== undefined) headers.push(['Authorization', request.badAuthorization]);
  const body = bodyBytes(request.body);
  const raw: RawRequest = { method: request.method, target: request.target, headers };
  if (body) raw.body = body;
  if (request.chunked) raw.chunked = true;
  if (body && request.longContentLength !== undefined) {
    raw.contentLength = body.length + request.longContentLength;
    raw.halfClose = true;
  }
  return raw;
}

/** A request as a reproducer: readable fields, markers spelled out, and the exact body bytes in base64 when small. */
export function describeRequest(request: FuzzRequest, credential: Credential): string {
  const bytes = bodyBytes(request.body);
  const lines = [
    `route:      ${request.route}`,
    `credential: ${credential}${credential === 'bad' ? ` (Authorization: ${JSON.stringify(request.badAuthorization)})` : ''}`,
    `request:    ${request.method} ${clip(request.target)}`,
    `headers:    ${JSON.stringify(request.headers)}`,
    `framing:    ${request.chunked ? 'chunked' : request.longContentLength !== undefined ? `Content-Length ${request.longContentLength} bytes longer than the body, then half-closed` : 'Content-Length'}`,
    `body:       ${describeBody(request.body)}`,
  ];
  if (bytes) lines.push(`body bytes: ${bytes.length} B${bytes.length <= 2048 ? `, base64 ${bytes.toString('base64')}` : ''}`);
  return lines.join('\n');
}

function describeBody(body: FuzzBody): string {
  switch (body.kind) {
    case 'none':
      return '(none)';
    case 'json':
      return clip(describeValue(body.value) ?? 'undefined');
    case 'bytes':
      return `${body.note} (base64 ${body.base64})`;
    case 'encoded':
      return `Content-Encoding ${JSON.stringify(body.encoding)}, ${body.valid ? 'validly compressed' : 'NOT compressed'}: ${describeBody(body.inner)}`;
  }
}

function clip(text: string): string {
  return text.length > 600 ? `${text.slice(0, 600)}… (${text.length} chars)` : text;
}
