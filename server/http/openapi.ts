import { z } from 'zod';
import { demoInfoSchema, demoSignInRequestSchema, meResponseSchema, shopperTokenRequestSchema, shopperTokenResponseSchema } from '../../shared/auth.schema.js';
import { deliveryStatsQuerySchema, deliveryStatsResponseSchema } from '../../shared/delivery-stats.schema.js';
import { ERROR_CODES, errorBodySchema, type ErrorCode } from '../../shared/errors.js';
import { syncQuerySchema, syncResponseSchema } from '../../shared/event.schema.js';
import { createMerchantKeyRequestSchema, createMerchantKeyResponseSchema, merchantKeyListResponseSchema } from '../../shared/merchant-key.schema.js';
import { anyMessageListResponseSchema, messageListQuerySchema } from '../../shared/message-list.schema.js';
import { postStateRequestSchema, postStateResponseSchema } from '../../shared/message-state.schema.js';
import { LIMITS } from '../../shared/limits.js';
import {
  cancelMessageResponseSchema,
  correctMessageRequestSchema,
  messageSchema,
  recipientsSchema,
  safeImageUrlSchema,
  safeUrlSchema,
  messageStatusResponseSchema,
  retractMessageResponseSchema,
  sendMessageRequestSchema,
  sendMessageResponseSchema,
} from '../../shared/message.schema.js';
import { preferencesResponseSchema, putPreferencesRequestSchema } from '../../shared/preferences.schema.js';
import {
  deletePushSubscriptionSchema,
  pushSubscriptionResponseSchema,
  pushSubscriptionSchema,
  vapidPublicKeyResponseSchema,
} from '../../shared/push.schema.js';
import { pageQuerySchema, replyListResponseSchema, replyRequestSchema } from '../../shared/reply.schema.js';
import { topicListResponseSchema, topicSchema } from '../../shared/topic.schema.js';
import {
  createWebhookRequestSchema,
  createWebhookResponseSchema,
  webhookDeliveryListResponseSchema,
  webhookDeliveryQuerySchema,
  webhookListResponseSchema,
} from '../../shared/webhook.schema.js';

/**
 * The OpenAPI 3.1 description of the HTTP API, generated from the same zod
 * schemas the routes validate with (zod 4's own `z.toJSONSchema`), so the
 * spec cannot say one thing while the server does another. This file only
 * adds what the schemas do not know: which route, who may call it, and which
 * error codes it can answer. openapi.int.test.ts holds it against the app.
 */

/** Who may call an operation: any merchant key, a platform key only, a shopper token, or anyone. */
export type Access = 'merchant' | 'platform' | 'shopper' | 'public';

export interface OperationSpec {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express-style path (`/api/v1/messages/:id`), as the router declares it. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  access: Access;
  params?: Record<string, { schema: z.ZodType; description: string }>;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** `POST /api/v1/messages` takes an optional Idempotency-Key. */
  idempotencyKey?: boolean;
  ok: { status: number; description: string; schema?: z.ZodType; contentType?: string };
  /** Codes this operation answers beyond those its access and the API layer add (see errorCodesOf). */
  errors?: ErrorCode[];
}

/** The HTTP status of each error code: typed over every code, so a new code cannot be left out of the spec. */
export const ERROR_STATUS: Record<ErrorCode, number> = {
  unauthorized: 401,
  'invalid-credentials': 401,
  'token-expired': 401,
  'wrong-credential-kind': 403,
  'invalid-json': 400,
  'validation-failed': 400,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  'not-found': 404,
  'rate-limited': 429,
  'demo-disabled': 404,
  internal: 500,
  'push-endpoint-not-allowed': 400,
  'idempotency-key-reused': 422,
  'already-sent': 409,
  'not-sent': 409,
  'recurring-message': 409,
  'push-subscription-conflict': 409,
  'forbidden-for-role': 403,
  'cannot-revoke-own-key': 409,
  'bad-request': 400,
  'invalid-path': 400,
  'headers-too-large': 431,
  'expectation-failed': 417,
  'request-timeout': 408,
  'webhook-url-not-allowed': 400,
  'too-many-webhooks': 409,
};

const TAG_ORDER = ['Messages', 'Statistics', 'Shopper tokens', 'Merchant keys', 'Webhooks', 'Shopper', 'Web Push', 'Demo', 'Operations'];
const idParam = { id: { schema: z.string(), description: 'The message id' } };
const json = 'application/json';

export const OPERATIONS: readonly OperationSpec[] = [
  {
    method: 'get',
    path: '/healthz',
    tag: 'Operations',
    summary: 'Health check',
    description: 'Answers 200 once the store answers; for load balancers and orchestrators.',
    access: 'public',
    ok: { status: 200, description: 'The server and its store are up', schema: z.looseObject({ status: z.literal('ok'), store: z.string() }) },
  },
  {
    method: 'get',
    path: '/metrics',
    tag: 'Operations',
    summary: 'Prometheus metrics',
    description: 'Prometheus text format. With `METRICS_TOKEN` set it needs `Authorization: Bearer <METRICS_TOKEN>`.',
    access: 'public',
    ok: { status: 200, description: 'Prometheus exposition text', contentType: 'text/plain' },
    errors: ['unauthorized'],
  },
  {
    method: 'get',
    path: '/api/v1/openapi.json',
    tag: 'Operations',
    summary: 'This OpenAPI document',
    access: 'public',
    ok: { status: 200, description: 'OpenAPI 3.1, generated from the shared zod schemas', contentType: json },
  },
  {
    method: 'get',
    path: '/docs/api',
    tag: 'Operations',
    summary: 'Interactive API reference',
    description: 'An HTML page (Scalar) rendering this document.',
    access: 'public',
    ok: { status: 200, description: 'The reference page', contentType: 'text/html' },
  },
  {
    method: 'get',
    path: '/api/v1/vapid-public-key',
    tag: 'Web Push',
    summary: 'The VAPID public key browsers subscribe with',
    access: 'public',
    ok: { status: 200, description: 'The key', schema: vapidPublicKeyResponseSchema },
  },
  {
    method: 'get',
    path: '/api/v1/demo',
    tag: 'Demo',
    summary: 'Demo shop (demo mode only)',
    access: 'public',
    ok: { status: 200, description: 'The demo shop, its shoppers and its merchant key', schema: demoInfoSchema },
    errors: ['demo-disabled'],
  },
  {
    method: 'post',
    path: '/api/v1/demo/sign-in',
    tag: 'Demo',
    summary: 'Sign in as a demo shopper (demo mode only)',
    access: 'public',
    body: demoSignInRequestSchema,
    ok: { status: 201, description: 'A shopper token', schema: shopperTokenResponseSchema },
    errors: ['demo-disabled', 'not-found'],
  },
  {
    method: 'post',
    path: '/api/v1/messages',
    tag: 'Messages',
    summary: 'Send or schedule a message',
    description:
      'To shoppers by id or to every subscriber of a topic; now, at `deliverAt`, or on a `repeat` schedule. ' +
      'With `deliverAtLocal` (or `repeat.tz: "recipient"`), at that wall-clock time in each shopper’s own time zone. ' +
      'With `digest`, stored and synced at once, but the pushes of a key to a shopper within the window become one summary at its end. ' +
      'Answers only after the message is durably stored. A seller key sends as itself, to shoppers and its own `store:<id>` topic.',
    access: 'merchant',
    body: sendMessageRequestSchema,
    idempotencyKey: true,
    ok: { status: 202, description: 'Stored: queued for delivery, or scheduled', schema: sendMessageResponseSchema },
    errors: ['forbidden-for-role', 'idempotency-key-reused'],
  },
  {
    method: 'get',
    path: '/api/v1/messages',
    tag: 'Messages',
    summary: "List the merchant's messages",
    description:
      'Keyset paged by id (pass `next` as `after`). Without `status`: every message it sent, with counts. ' +
      '`status=scheduled` answers the schedule view (due time, cron, occurrences) as it always has. ' +
      '`q` keeps titles containing it, ignoring case, taken literally (`%` and `_` are no wildcards). ' +
      '`order=newest`: summaries newest first (every status), `next` then an opaque cursor to pass back as `after`.',
    access: 'merchant',
    query: messageListQuerySchema,
    ok: { status: 200, description: 'One page', schema: anyMessageListResponseSchema },
  },
  {
    method: 'get',
    path: '/api/v1/messages/:id',
    tag: 'Messages',
    summary: 'A message, its lifecycle and its delivery counts',
    access: 'merchant',
    params: idParam,
    ok: { status: 200, description: 'The message and its status', schema: messageStatusResponseSchema },
    errors: ['not-found'],
  },
  {
    method: 'delete',
    path: '/api/v1/messages/:id',
    tag: 'Messages',
    summary: 'Cancel a message not yet sent',
    access: 'merchant',
    params: idParam,
    ok: { status: 200, description: 'Cancelled (again: the same answer)', schema: cancelMessageResponseSchema },
    errors: ['not-found', 'already-sent'],
  },
  {
    method: 'post',
    path: '/api/v1/messages/:id/retract',
    tag: 'Messages',
    summary: 'Retract a sent message from every inbox',
    access: 'merchant',
    params: idParam,
    ok: { status: 200, description: 'Retracted', schema: retractMessageResponseSchema },
    errors: ['not-found', 'not-sent', 'recurring-message'],
  },
  {
    method: 'patch',
    path: '/api/v1/messages/:id',
    tag: 'Messages',
    summary: 'Correct a message, sent or still to go out',
    access: 'merchant',
    params: idParam,
    body: correctMessageRequestSchema,
    ok: { status: 200, description: 'The corrected message', schema: messageSchema },
    errors: ['not-found', 'not-sent', 'recurring-message'],
  },
  {
    method: 'get',
    path: '/api/v1/messages/:id/replies',
    tag: 'Messages',
    summary: "Shoppers' replies to a user message",
    access: 'merchant',
    params: idParam,
    query: pageQuerySchema,
    ok: { status: 200, description: 'One page of replies', schema: replyListResponseSchema },
    errors: ['not-found'],
  },
  {
    method: 'post',
    path: '/api/v1/shopper-tokens',
    tag: 'Shopper tokens',
    summary: 'Mint a shopper token',
    description: 'For the shop’s logged-in shopper; `name` is carried in the token and answered by `GET /api/v1/me`.',
    access: 'platform',
    body: shopperTokenRequestSchema,
    ok: { status: 201, description: 'A signed, expiring token', schema: shopperTokenResponseSchema },
  },
  {
    method: 'post',
    path: '/api/v1/merchant-keys',
    tag: 'Merchant keys',
    summary: 'Create a merchant key (shown once)',
    access: 'platform',
    body: createMerchantKeyRequestSchema,
    ok: { status: 201, description: 'The new key, shown this once', schema: createMerchantKeyResponseSchema },
  },
  {
    method: 'get',
    path: '/api/v1/merchant-keys',
    tag: 'Merchant keys',
    summary: 'List merchant keys',
    access: 'platform',
    ok: { status: 200, description: 'Every key, without the key itself', schema: merchantKeyListResponseSchema },
  },
  {
    method: 'delete',
    path: '/api/v1/merchant-keys/:id',
    tag: 'Merchant keys',
    summary: 'Revoke a merchant key',
    access: 'platform',
    params: { id: { schema: z.string(), description: 'The key id' } },
    ok: { status: 204, description: 'Revoked (also when it already was)' },
    errors: ['not-found', 'cannot-revoke-own-key'],
  },
  {
    method: 'post',
    path: '/api/v1/webhooks',
    tag: 'Webhooks',
    summary: 'Register a webhook (its signing secret is shown once)',
    description: 'Events of the messages this key sent, signed per Standard Webhooks. The URL must be https on a public address unless WEBHOOK_ENDPOINT_ALLOWLIST admits it.',
    access: 'merchant',
    body: createWebhookRequestSchema,
    ok: { status: 201, description: 'The webhook and its signing secret, shown this once', schema: createWebhookResponseSchema },
    errors: ['webhook-url-not-allowed', 'too-many-webhooks'],
  },
  {
    method: 'get',
    path: '/api/v1/webhooks',
    tag: 'Webhooks',
    summary: "List this key's webhooks",
    access: 'merchant',
    ok: { status: 200, description: 'Every webhook of this key, never its secret', schema: webhookListResponseSchema },
  },
  {
    method: 'delete',
    path: '/api/v1/webhooks/:id',
    tag: 'Webhooks',
    summary: 'Delete a webhook',
    access: 'merchant',
    params: { id: { schema: z.string(), description: 'The webhook id' } },
    ok: { status: 204, description: 'Deleted' },
    errors: ['not-found'],
  },
  {
    method: 'get',
    path: '/api/v1/webhooks/:id/deliveries',
    tag: 'Webhooks',
    summary: "Recent deliveries of a webhook's events",
    access: 'merchant',
    params: { id: { schema: z.string(), description: 'The webhook id' } },
    query: webhookDeliveryQuerySchema,
    ok: { status: 200, description: 'Newest first: status, response code, attempts, next retry', schema: webhookDeliveryListResponseSchema },
    errors: ['not-found'],
  },
  {
    method: 'get',
    path: '/api/v1/stats/deliveries',
    tag: 'Statistics',
    summary: "The merchant's delivery figures by day and category",
    description:
      'For the calendar days `from`..`to` (both included, at most 92) as they fall in `tz` (default UTC): ' +
      'messages sent, recipients, delivered live, pushed, push failures, read, read rate and the median time to first read, ' +
      'per day (every day, empty ones too), per category, per day and category, and in all. A message counts on the day it went out.',
    access: 'merchant',
    query: deliveryStatsQuerySchema,
    ok: { status: 200, description: 'The figures', schema: deliveryStatsResponseSchema },
  },
  {
    method: 'get',
    path: '/api/v1/me',
    tag: 'Shopper',
    summary: 'Who the shopper token speaks for',
    access: 'shopper',
    ok: { status: 200, description: 'The user id, and the name given at minting', schema: meResponseSchema },
  },
  {
    method: 'get',
    path: '/api/v1/me/sync',
    tag: 'Shopper',
    summary: "Pull the shopper's event log after a cursor",
    access: 'shopper',
    query: syncQuerySchema,
    ok: { status: 200, description: 'Events, the cursor to resume from, and whether more wait', schema: syncResponseSchema },
  },
  {
    method: 'get',
    path: '/api/v1/me/messages/:id',
    tag: 'Shopper',
    summary: 'One message the shopper received',
    access: 'shopper',
    params: idParam,
    ok: { status: 200, description: 'The message', schema: messageSchema },
    errors: ['not-found'],
  },
  {
    method: 'post',
    path: '/api/v1/me/messages/:id/replies',
    tag: 'Shopper',
    summary: 'Reply to a user message',
    access: 'shopper',
    params: idParam,
    body: replyRequestSchema,
    ok: { status: 201, description: 'The reply, as a message in the shopper’s own log', schema: messageSchema },
    errors: ['not-found', 'not-sent'],
  },
  {
    method: 'get',
    path: '/api/v1/me/topics',
    tag: 'Shopper',
    summary: 'Topics the shopper subscribed to',
    access: 'shopper',
    ok: { status: 200, description: 'The topics', schema: topicListResponseSchema },
  },
  {
    method: 'put',
    path: '/api/v1/me/topics/:topic',
    tag: 'Shopper',
    summary: 'Subscribe to a topic',
    access: 'shopper',
    params: { topic: { schema: topicSchema, description: 'The topic name' } },
    ok: { status: 204, description: 'Subscribed (also when already)' },
  },
  {
    method: 'delete',
    path: '/api/v1/me/topics/:topic',
    tag: 'Shopper',
    summary: 'Unsubscribe from a topic',
    access: 'shopper',
    params: { topic: { schema: topicSchema, description: 'The topic name' } },
    ok: { status: 204, description: 'Not subscribed (any more)' },
  },
  {
    method: 'post',
    path: '/api/v1/me/state',
    tag: 'Shopper',
    summary: 'Read, archived, deleted: a device’s outbox of state changes',
    access: 'shopper',
    body: postStateRequestSchema,
    ok: { status: 200, description: 'How many changes won, how many lost', schema: postStateResponseSchema },
  },
  {
    method: 'get',
    path: '/api/v1/me/preferences',
    tag: 'Shopper',
    summary: 'Notification preferences',
    access: 'shopper',
    ok: { status: 200, description: 'The preferences the server holds', schema: preferencesResponseSchema },
  },
  {
    method: 'put',
    path: '/api/v1/me/preferences',
    tag: 'Shopper',
    summary: 'Save notification preferences',
    access: 'shopper',
    body: putPreferencesRequestSchema,
    ok: { status: 200, description: 'What the server holds now (`applied: false` when a later change won)', schema: preferencesResponseSchema },
  },
  {
    method: 'post',
    path: '/api/v1/me/push-subscriptions',
    tag: 'Web Push',
    summary: 'Register a browser push subscription',
    access: 'shopper',
    body: pushSubscriptionSchema,
    ok: { status: 201, description: 'Registered', schema: pushSubscriptionResponseSchema },
    errors: ['push-endpoint-not-allowed', 'push-subscription-conflict'],
  },
  {
    method: 'delete',
    path: '/api/v1/me/push-subscriptions',
    tag: 'Web Push',
    summary: 'Remove a browser push subscription',
    access: 'shopper',
    body: deletePushSubscriptionSchema,
    ok: { status: 204, description: 'Removed' },
    errors: ['not-found'],
  },
];

const ACCESS_ERRORS: Record<Access, ErrorCode[]> = {
  public: [],
  merchant: ['unauthorized', 'invalid-credentials', 'wrong-credential-kind'],
  platform: ['unauthorized', 'invalid-credentials', 'wrong-credential-kind', 'forbidden-for-role'],
  shopper: ['unauthorized', 'invalid-credentials', 'token-expired', 'wrong-credential-kind'],
};

/** What the API layer itself may answer on any /api/v1 route: body parsing, rate limits; and any route: a bad path, a crash. */
const API_LAYER_ERRORS: ErrorCode[] = ['invalid-json', 'payload-too-large', 'unsupported-media-type', 'bad-request', 'rate-limited'];
// The last three come from Node's HTTP parser, before any route (see protocol-errors.ts).
const ANY_ROUTE_ERRORS: ErrorCode[] = ['invalid-path', 'internal', 'headers-too-large', 'expectation-failed', 'request-timeout'];

/** Every code an operation can answer with, in ERROR_CODES order. */
export function errorCodesOf(operation: OperationSpec): ErrorCode[] {
  const codes = new Set<ErrorCode>([
    ...ACCESS_ERRORS[operation.access],
    ...(operation.errors ?? []),
    ...(operation.body || operation.query || operation.params?.topic || operation.idempotencyKey ? (['validation-failed'] as const) : []),
    ...(operation.path.startsWith('/api/v1/') ? API_LAYER_ERRORS : []),
    ...ANY_ROUTE_ERRORS,
  ]);
  return ERROR_CODES.filter((code) => codes.has(code));
}

/** Express `/a/:id` → OpenAPI `/a/{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

type JsonSchema = Record<string, unknown>;

/**
 * Named schemas, written once under components.schemas. A zod schema's own
 * `$defs` (z.json() in `data` is recursive) are hoisted there too, because a
 * `#/$defs/…` reference inside an OpenAPI document would point at its root.
 */
class Components {
  readonly schemas: Record<string, JsonSchema> = {};
  private readonly names = new Map<z.ZodType, string>();
  private readonly hoisted = new Map<string, string>();

  ref(name: string, schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const known = this.names.get(schema);
    if (known === undefined) {
      this.names.set(schema, name);
      this.schemas[name] = this.convert(schema, io, name);
    }
    return { $ref: `#/components/schemas/${known ?? name}` };
  }

  /** A schema inline (a parameter's), its `$defs` hoisted all the same. */
  inline(schema: z.ZodType, io: 'input' | 'output', owner: string): JsonSchema {
    return this.convert(schema, io, owner);
  }

  private convert(schema: z.ZodType, io: 'input' | 'output', owner: string): JsonSchema {
    const { $schema: _ignored, $defs, ...rest } = z.toJSONSchema(schema, {
      io,
      unrepresentable: 'any',
      target: 'draft-2020-12',
      override: ({ zodSchema, jsonSchema, path }) => {
        Object.assign(jsonSchema, REFINEMENTS.get(zodSchema));
        // A trimmed string with a minimum length (a title, a reply) must hold more than blanks.
        const def = zodSchema._zod.def as { type: string; checks?: { _zod: { def: { check: string } } }[] };
        if (def.type === 'string' && def.checks?.some((c) => c._zod.def.check === 'overwrite') && Number(jsonSchema.minLength) >= 1) {
          if (jsonSchema.pattern === undefined) jsonSchema.pattern = '\\S';
          else jsonSchema.allOf = [...(jsonSchema.allOf ?? []), { pattern: '\\S' }];
        }
        // `data` is bounded by a custom walk that JSON Schema cannot express; its input side is at least an object.
        if (path.at(-2) === 'properties' && path.at(-1) === 'data' && Object.keys(jsonSchema).length === 0) {
          Object.assign(jsonSchema, {
            type: 'object',
            description: `Free-form JSON object: at most ${LIMITS.dataBytes} bytes, ${LIMITS.dataDepth} levels, ${LIMITS.dataKeysPerObject} keys per object.`,
          });
        }
      },
    }) as JsonSchema & {
      $defs?: Record<string, JsonSchema>;
    };
    if (!$defs) return rest;
    const renames = new Map<string, string>();
    for (const [def, body] of Object.entries($defs)) {
      // Identical definitions (the JSON value of every `data`) share one component.
      const key = JSON.stringify(body);
      let name = this.hoisted.get(key);
      if (!name) {
        name = def.startsWith('__') ? (isJsonValue(body) ? 'JsonValue' : `${owner}Def${renames.size}`) : def;
        this.hoisted.set(key, name);
      }
      renames.set(`#/$defs/${def}`, `#/components/schemas/${name}`);
    }
    const rewrite = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(rewrite);
      if (value && typeof value === 'object') {
        return Object.fromEntries(
          Object.entries(value).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? (renames.get(v) ?? v) : rewrite(v)]),
        );
      }
      return value;
    };
    for (const [def, body] of Object.entries($defs)) {
      const name = renames.get(`#/$defs/${def}`)!.slice('#/components/schemas/'.length);
      this.schemas[name] ??= rewrite(body) as JsonSchema;
    }
    return rewrite(rest) as JsonSchema;
  }
}

/** A URL of the given scheme (a pattern) or a same-origin path, without control characters (shared/safe-url.ts). */
function urlRefinement(scheme: string, description: string): JsonSchema {
  return {
    allOf: [{ pattern: `^(?:${scheme}://|/(?![/\\\\]))` }, { pattern: '^[^\\u0000-\\u001f\\u007f-\\u009f]*$' }],
    description,
  };
}

/**
 * What zod refinements check, said again in JSON Schema where it can be, so a
 * request the spec accepts is one the server accepts. Time-relative rules
 * (expiresAt in the future) stay in the descriptions only.
 */
const REFINEMENTS = new Map<unknown, JsonSchema>([
  [recipientsSchema, { oneOf: [{ required: ['userIds'] }, { required: ['topic'] }], description: 'Exactly one of userIds or topic.' }],
  [safeUrlSchema, urlRefinement('[Hh][Tt][Tt][Pp][Ss]?', 'An http(s) URL or a same-origin path starting with a single /.')],
  [
    safeImageUrlSchema,
    urlRefinement(
      '[Hh][Tt][Tt][Pp][Ss]',
      'A picture (icon, image): an https URL or a same-origin path starting with a single /. Not http: a picture is fetched ' +
        'without a click. Messages stored before this rule may still hold an http one, which clients should not load.',
    ),
  ],
  [
    sendMessageRequestSchema,
    {
      allOf: [
        { if: { required: ['type'], properties: { type: { const: 'user' } } }, then: { required: ['sender'] } },
        { if: { required: ['sender'] }, then: { required: ['type'], properties: { type: { const: 'user' } } } },
        {
          if: { required: ['type'], properties: { type: { const: 'scheduled' } } },
          then: { anyOf: [{ required: ['deliverAt'] }, { required: ['deliverAtLocal'] }, { required: ['repeat'] }] },
        },
        { not: { required: ['repeat', 'expiresAt'] } },
        { not: { required: ['deliverAt', 'deliverAtLocal'] } },
        { not: { required: ['repeat', 'deliverAtLocal'] } },
        { not: { required: ['repeat', 'digest'] } },
        {
          if: { required: ['fallbackTz'] },
          then: {
            anyOf: [
              { required: ['deliverAtLocal'] },
              { required: ['repeat'], properties: { repeat: { required: ['tz'], properties: { tz: { const: 'recipient' } } } } },
            ],
          },
        },
      ],
      description:
        'expiresAt must be in the future and after deliverAt; deliverAtLocal must be a real date and time; ' +
        'fallbackTz a time zone the server knows; a seller key’s sender is set by the server.',
    },
  ],
  [correctMessageRequestSchema, { minProperties: 1 }],
  [pushSubscriptionSchema.shape.endpoint, { format: 'uri' }],
]);

/** z.json(): any JSON value, the one recursive schema of the API (inside `data`). */
function isJsonValue(schema: JsonSchema): boolean {
  const types = (schema.anyOf as JsonSchema[] | undefined)?.map((branch) => branch.type);
  return JSON.stringify(types) === JSON.stringify(['string', 'number', 'boolean', 'null', 'array', 'object']);
}

/** Names the schemas of the reference page's "Models" list; the rest are inline. */
const NAMED: [string, z.ZodType][] = [
  ['SendMessageRequest', sendMessageRequestSchema],
  ['SendMessageResponse', sendMessageResponseSchema],
  ['Message', messageSchema],
  ['MessageStatus', messageStatusResponseSchema],
  ['MessageList', anyMessageListResponseSchema],
  ['DeliveryStats', deliveryStatsResponseSchema],
  ['CorrectMessageRequest', correctMessageRequestSchema],
  ['ShopperTokenRequest', shopperTokenRequestSchema],
  ['ShopperToken', shopperTokenResponseSchema],
  ['Me', meResponseSchema],
  ['SyncResponse', syncResponseSchema],
  ['Preferences', preferencesResponseSchema],
  ['PushSubscription', pushSubscriptionSchema],
];

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad request',
  401: 'Not authenticated',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable',
  429: 'Too many requests',
  500: 'Internal error',
};

/** Builds the whole document; cheap enough to build once per process (see openApiDocument). */
export function createOpenApiDocument(): Record<string, unknown> {
  const components = new Components();
  const named = new Map(NAMED.map(([name, schema]) => [schema, name]));
  const schemaOf = (schema: z.ZodType, io: 'input' | 'output', fallback: string) =>
    named.has(schema) ? components.ref(named.get(schema)!, schema, io) : components.inline(schema, io, fallback);

  // Every code, once, as an enum: clients can switch on it exhaustively.
  const errorSchema = errorBodySchema.extend({
    error: errorBodySchema.shape.error.extend({ code: z.enum(ERROR_CODES) }),
  });
  const errorRef = components.ref('ErrorBody', errorSchema, 'output');

  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const id = `${op.method}${op.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`;
    const parameters: unknown[] = [];
    for (const [name, param] of Object.entries(op.params ?? {})) {
      parameters.push({ name, in: 'path', required: true, description: param.description, schema: components.inline(param.schema, 'input', id) });
    }
    if (op.query) {
      const query = components.inline(op.query, 'input', id) as { properties?: Record<string, JsonSchema>; required?: string[] };
      for (const [name, schema] of Object.entries(query.properties ?? {})) {
        parameters.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema });
      }
    }
    if (op.idempotencyKey) {
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'A retry with the same key answers the first result and sends nothing twice (1–255 visible ASCII characters; a UUID is a good choice).',
        schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
      });
    }

    const responses: Record<string, unknown> = {
      [op.ok.status]: {
        description: op.ok.description,
        ...(op.ok.schema
          ? { content: { [op.ok.contentType ?? json]: { schema: schemaOf(op.ok.schema, 'output', `${id}Response`) } } }
          : op.ok.contentType
            ? { content: { [op.ok.contentType]: { schema: op.ok.contentType === json ? { type: 'object' } : { type: 'string' } } } }
            : {}),
      },
    };
    const byStatus = new Map<number, ErrorCode[]>();
    for (const code of errorCodesOf(op)) byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
    for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
      responses[status] = {
        description: `${STATUS_TEXT[status] ?? 'Error'}: ${codes.map((code) => `\`${code}\``).join(', ')}`,
        'x-error-codes': codes,
        content: { [json]: { schema: errorRef } },
      };
    }

    paths[openApiPath(op.path)] ??= {};
    paths[openApiPath(op.path)]![op.method] = {
      operationId: id,
      tags: [op.tag],
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      security: op.access === 'public' ? [] : [{ [op.access === 'shopper' ? 'shopperToken' : 'merchantKey']: [] }],
      ...(op.access === 'platform' ? { 'x-role': 'platform' } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(op.body ? { requestBody: { required: true, content: { [json]: { schema: schemaOf(op.body, 'input', `${id}Body`) } } } } : {}),
      responses,
    };
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Tidings API',
      version: '1',
      description:
        'Message push and notification centre for e-commerce. Errors are `{ "error": { "code", "message" } }` with a stable ' +
        `kebab-case code; every code: ${ERROR_CODES.map((code) => `\`${code}\``).join(', ')}.`,
    },
    servers: [{ url: '/' }],
    // What a shop's backend uses most comes first.
    tags: TAG_ORDER.filter((name) => OPERATIONS.some((op) => op.tag === name)).map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        merchantKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'A merchant key (`tdk_…`). Platform keys may do everything; seller keys only their own messages and store topic.',
        },
        shopperToken: { type: 'http', scheme: 'bearer', description: 'A shopper token minted by `POST /api/v1/shopper-tokens`.' },
      },
      schemas: components.schemas,
    },
  };
}

let built: Record<string, unknown> | undefined;
/** The document, built at first use and kept: the schemas do not change while the process runs. */
export function openApiDocument(): Record<string, unknown> {
  built ??= createOpenApiDocument();
  return built;
}
