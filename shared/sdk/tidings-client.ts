import type { MeResponse, ShopperTokenResponse } from '../auth.schema.js';
import type { ErrorBody } from '../errors.js';
import type { MessageListResponse, ScheduledListResponse } from '../message-list.schema.js';
import type {
  CancelMessageResponse,
  MessageStatusResponse,
  RetractMessageResponse,
  sendMessageRequestSchema,
  SendMessageResponse,
} from '../message.schema.js';
import type {
  CreateWebhookRequest,
  CreateWebhookResponse,
  WebhookDelivery,
  WebhookDeliveryListResponse,
  WebhookEvent,
  WebhookEventType,
  WebhookListResponse,
  WebhookSummary,
} from '../webhook.schema.js';
import type { z } from 'zod';

/**
 * A typed client for a shop's backend: plain `fetch`, types from the same
 * shared zod schemas the server validates with (type imports only, so it
 * carries no runtime dependency). Every send carries an Idempotency-Key, so
 * retrying a send that may have reached the server is safe: the server
 * answers the first result and sends nothing twice.
 */

/** The body of a send as the caller writes it (defaults may be left out). */
export type SendInput = z.input<typeof sendMessageRequestSchema>;
/** A send with a time: at `deliverAt`, or on a `repeat` schedule. */
export type ScheduleInput = SendInput & ({ deliverAt: string } | { repeat: { cron: string; tz?: string } });
export type MessageStatusFilter = MessageStatusResponse['status'];

export type { CreateWebhookRequest, CreateWebhookResponse, WebhookDelivery, WebhookDeliveryListResponse, WebhookEvent, WebhookEventType, WebhookListResponse };
/** One registered endpoint, as listed (never its secret). */
export type Webhook = WebhookSummary;
/** `POST /api/v1/webhooks` answers the signing secret once. */
export type CreatedWebhook = CreateWebhookResponse;

export interface TidingsClientOptions {
  /** Where Tidings runs, e.g. `https://push.shop.example`. */
  baseUrl: string;
  /** A merchant key (`tdk_…`). */
  key: string;
  /** A fetch implementation; the global one by default. */
  fetch?: typeof fetch;
  /** Retries after the first attempt, for safe failures only. Default 3. */
  retries?: number;
  /** First backoff; doubled each retry, with full jitter. Default 250 ms. */
  backoffMs?: number;
  /** A Retry-After longer than this is not waited for: the error is thrown. Default 60 s. */
  maxRetryAfterMs?: number;
  /** Waits between retries; tests pass a fake clock. */
  sleep?: (ms: number) => Promise<void>;
}

/** An answer other than 2xx (status and code from the server), or a request that never got one (status 0, `network-error`). */
export class TidingsError extends Error {
  override readonly name = 'TidingsError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: { path: string; message: string }[],
  ) {
    super(message);
  }
}

/**
 * How a request may be retried. `always`: network errors, 429 and 502/503/504 (reads, deletes, and writes the
 * server deduplicates). `refused-only`: only a 429, which the server answers before doing anything.
 */
type RetryMode = 'always' | 'refused-only';
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

interface RequestSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  retry: RetryMode;
}

export function createTidingsClient(options: TidingsClientOptions) {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const retries = options.retries ?? 3;
  const backoffMs = options.backoffMs ?? 250;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const base = options.baseUrl.replace(/\/+$/, '');

  async function request<T>(spec: RequestSpec): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const backoff = Math.random() * backoffMs * 2 ** attempt;
      let res: Response;
      try {
        res = await doFetch(`${base}${spec.path}`, {
          method: spec.method,
          headers: {
            authorization: `Bearer ${options.key}`,
            accept: 'application/json',
            ...(spec.body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...spec.headers,
          },
          ...(spec.body !== undefined ? { body: JSON.stringify(spec.body) } : {}),
        });
      } catch (err) {
        if (spec.retry === 'always' && attempt < retries) {
          await sleep(backoff);
          continue;
        }
        throw new TidingsError(0, 'network-error', `Tidings did not answer: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (res.ok) {
        const text = await res.text();
        return (text ? JSON.parse(text) : undefined) as T;
      }
      const error = await errorOf(res);
      const retryable = res.status === 429 || (spec.retry === 'always' && RETRYABLE_STATUSES.has(res.status));
      if (!retryable || attempt >= retries) throw error;
      const asked = retryAfterMs(res.headers.get('retry-after'));
      if (asked !== undefined && asked > maxRetryAfterMs) throw error;
      await sleep(asked ?? backoff);
    }
  }

  const id = (value: string) => encodeURIComponent(value);
  const send = (message: SendInput, opts: { idempotencyKey?: string } = {}) =>
    request<SendMessageResponse>({
      method: 'POST',
      path: '/api/v1/messages',
      body: message,
      // One key for every attempt of this send: that is what makes retrying it safe.
      headers: { 'idempotency-key': opts.idempotencyKey ?? globalThis.crypto.randomUUID() },
      retry: 'always',
    });

  function list(query?: { status?: Exclude<MessageStatusFilter, 'scheduled'>; after?: string; limit?: number }): Promise<MessageListResponse>;
  function list(query: { status: 'scheduled'; after?: string; limit?: number }): Promise<ScheduledListResponse>;
  function list(query: { status?: MessageStatusFilter; after?: string; limit?: number } = {}) {
    const params = new URLSearchParams();
    if (query.status) params.set('status', query.status);
    if (query.after) params.set('after', query.after);
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    const search = params.size > 0 ? `?${params}` : '';
    return request<MessageListResponse | ScheduledListResponse>({ method: 'GET', path: `/api/v1/messages${search}`, retry: 'always' });
  }

  return {
    /** Sends now (or at `deliverAt`); retried safely under one Idempotency-Key (pass your own to dedupe across processes). */
    send,
    /** Sends at `deliverAt` or on a `repeat` schedule. */
    schedule: (message: ScheduleInput, opts: { idempotencyKey?: string } = {}) => send(message, opts),
    /** Cancels a message not yet sent (409 `already-sent` once it has gone out). */
    cancel: (messageId: string) => request<CancelMessageResponse>({ method: 'DELETE', path: `/api/v1/messages/${id(messageId)}`, retry: 'always' }),
    /** Removes a sent message from every inbox; retracting again changes nothing (200, recipients 0). */
    retract: (messageId: string) =>
      request<RetractMessageResponse>({ method: 'POST', path: `/api/v1/messages/${id(messageId)}/retract`, retry: 'always' }),
    /** The message, its lifecycle status and its delivery counts. */
    status: (messageId: string) => request<MessageStatusResponse>({ method: 'GET', path: `/api/v1/messages/${id(messageId)}`, retry: 'always' }),
    /** One page of the merchant's messages; pass `next` as `after` for the following page. */
    list,
    /** A token for the shop's logged-in shopper (platform keys only); `name` is what `GET /api/v1/me` answers. */
    mintShopperToken: (input: { userId: string; name?: string; ttlSeconds?: number }) =>
      request<ShopperTokenResponse>({ method: 'POST', path: '/api/v1/shopper-tokens', body: input, retry: 'always' }),
    webhooks: {
      // Not retried after a network error: a second create would make a second endpoint.
      create: (input: CreateWebhookRequest) =>
        request<CreateWebhookResponse>({ method: 'POST', path: '/api/v1/webhooks', body: input, retry: 'refused-only' }),
      list: () => request<WebhookListResponse>({ method: 'GET', path: '/api/v1/webhooks', retry: 'always' }),
      delete: (webhookId: string) => request<void>({ method: 'DELETE', path: `/api/v1/webhooks/${id(webhookId)}`, retry: 'always' }),
      /** The endpoint's deliveries, newest first (`limit` 1–200, the server's default 50). */
      deliveries: (webhookId: string, query: { limit?: number } = {}) =>
        request<WebhookDeliveryListResponse>({
          method: 'GET',
          path: `/api/v1/webhooks/${id(webhookId)}/deliveries${query.limit !== undefined ? `?limit=${query.limit}` : ''}`,
          retry: 'always',
        }),
    },
  };
}
export type TidingsClient = ReturnType<typeof createTidingsClient>;
export type { MeResponse };

async function errorOf(res: Response): Promise<TidingsError> {
  const text = await res.text().catch(() => '');
  try {
    const { error } = JSON.parse(text) as ErrorBody;
    if (typeof error?.code === 'string' && typeof error.message === 'string') {
      return new TidingsError(res.status, error.code, error.message, error.issues);
    }
  } catch {
    // Not Tidings' error body (a proxy's page, say): described below.
  }
  return new TidingsError(res.status, 'unexpected-response', `HTTP ${res.status}: ${text.slice(0, 200)}`);
}

/** Retry-After as milliseconds: delay-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

// ---- webhooks: verifying what Tidings sends ------------------------------------------------------

/** Thrown by verifyWebhook: the delivery is not from Tidings (or not from now), and must be refused. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
}

const TOLERANCE_SECONDS = 5 * 60;

type HeaderBag = Headers | Record<string, string | string[] | undefined>;
function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
  const value = entry?.[1];
  return Array.isArray(value) ? value[0] : (value as string | undefined);
}

function base64Bytes(text: string): Uint8Array<ArrayBuffer> | undefined {
  try {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return undefined;
  }
}

/**
 * Verifies a webhook per the Standard Webhooks spec and returns its parsed
 * body, typed as the `WebhookEvent` of the shared schema: a body signed with
 * the endpoint's secret was written by Tidings, which builds it from that
 * schema (the same trust as every typed answer of this client, and no zod at
 * run time). Switch on `event.type` with a default branch: a newer server may
 * add event types. `body` must be the raw request body, exactly as received. The HMAC
 * key is the base64 part of the `whsec_…` secret; the signed content is
 * `${webhook-id}.${webhook-timestamp}.${body}`; `webhook-signature` holds one
 * or more space-separated `v1,<base64>` (several during a secret rotation);
 * a timestamp more than 5 minutes from now is refused, so a captured delivery
 * cannot be replayed later. The comparison is Web Crypto's `verify`, which is
 * constant-time, and runs the same in Node 20 and browsers.
 */
export async function verifyWebhook(
  body: string,
  headers: HeaderBag,
  secret: string,
  options: { now?: number; toleranceSeconds?: number } = {},
): Promise<WebhookEvent> {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) throw new WebhookVerificationError('Missing webhook-id, webhook-timestamp or webhook-signature');
  if (!/^\d+$/.test(timestamp)) throw new WebhookVerificationError('webhook-timestamp is not Unix seconds');
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(nowSeconds - Number(timestamp)) > (options.toleranceSeconds ?? TOLERANCE_SECONDS)) {
    throw new WebhookVerificationError('webhook-timestamp is too far from now');
  }
  const keyBytes = base64Bytes(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret);
  if (!keyBytes || keyBytes.length === 0) throw new WebhookVerificationError('The secret is not whsec_<base64>');
  const key = await globalThis.crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const signed = new TextEncoder().encode(`${id}.${timestamp}.${body}`);
  for (const entry of signatures.split(' ')) {
    const [version, signature] = entry.split(',', 2);
    if (version !== 'v1' || !signature) continue;
    const bytes = base64Bytes(signature);
    if (bytes && (await globalThis.crypto.subtle.verify('HMAC', key, bytes, signed))) return JSON.parse(body) as WebhookEvent;
  }
  throw new WebhookVerificationError('No webhook-signature matches');
}
