import net, { type LookupFunction } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Agent, request } from 'undici';
import type { EndpointAllowlist } from '../push/endpoint-allowlist.js';
import { parseRetryAfter } from '../push/retry-policy.js';
import { hostOf, isInternalAddress, resolvePublic, systemResolver, type Resolver } from './webhook-address-guard.js';
import { signWebhook } from './webhook-signature.js';

/** First bytes of an answer kept for the deliveries list; the rest is never read. */
export const RESPONSE_BODY_KEPT_BYTES = 1024;

export interface WebhookRequest {
  url: string;
  secret: string;
  eventId: string;
  body: string;
}

/** How one attempt ended. */
export type AttemptResult =
  | { kind: 'delivered'; status: number; body: string }
  /** 410 Gone: the receiver says the endpoint is retired. */
  | { kind: 'gone'; status: number; body: string }
  /** Anything else: a non-2xx answer (3xx included: redirects are not followed), a refused address, a timeout, a network error. */
  | { kind: 'failed'; status?: number; body?: string; retryAfterMs?: number; error: string };

export interface WebhookTransportOptions {
  allowlist?: EndpointAllowlist;
  /** Longest wait for one attempt, answer body included. */
  timeoutMs?: number;
  resolve?: Resolver;
  now?: () => number;
  /** TLS options (tests trust a local CA). */
  tls?: ConnectionOptions;
}

/**
 * POSTs signed events. The guard runs where the connection is made: the
 * agent's DNS lookup resolves the host, refuses it if any address is
 * internal, and hands the socket exactly the addresses it checked, so a DNS
 * answer that changes between check and connect (rebinding) cannot slip
 * through. Allowlisted origins go through a second agent without the guard.
 */
export class WebhookTransport {
  private readonly guarded: Agent;
  private readonly open: Agent;
  private readonly timeoutMs: number;
  private readonly resolve: Resolver;
  private readonly now: () => number;

  constructor(private readonly options: WebhookTransportOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.resolve = options.resolve ?? systemResolver;
    this.now = options.now ?? Date.now;
    const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
      resolvePublic(hostname, this.resolve).then(
        (addresses) => {
          if (lookupOptions.all) (callback as unknown as (err: null, all: typeof addresses) => void)(null, addresses);
          else callback(null, addresses[0]!.address, addresses[0]!.family);
        },
        (err: Error) => callback(err as NodeJS.ErrnoException, '', 0),
      );
    };
    const common = { connections: 4, keepAliveTimeout: 10_000, connect: { timeout: this.timeoutMs, ...options.tls } };
    this.guarded = new Agent({ ...common, connect: { ...common.connect, lookup } });
    this.open = new Agent(common);
  }

  async send(req: WebhookRequest): Promise<AttemptResult> {
    const url = new URL(req.url);
    const allowlisted = this.options.allowlist?.allows(url.href) ?? false;
    if (!allowlisted) {
      if (url.protocol !== 'https:') return { kind: 'failed', error: 'url must use https' };
      // An address literal never reaches the lookup: check it here.
      const host = hostOf(url);
      if (net.isIP(host) !== 0 && isInternalAddress(host)) {
        return { kind: 'failed', error: `${host} is a private, loopback or otherwise internal address` };
      }
    }
    const timestamp = Math.floor(this.now() / 1000);
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      const res = await request(url, {
        method: 'POST',
        dispatcher: allowlisted ? this.open : this.guarded,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Tidings-Webhooks/1',
          ...signWebhook(req.secret, req.eventId, timestamp, req.body),
        },
        body: req.body,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        signal,
      });
      const body = await readCapped(res.body);
      if (res.statusCode >= 200 && res.statusCode < 300) return { kind: 'delivered', status: res.statusCode, body };
      if (res.statusCode === 410) return { kind: 'gone', status: res.statusCode, body };
      const retryAfter = res.headers['retry-after'];
      const retryAfterMs = parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, this.now());
      const error = res.statusCode >= 300 && res.statusCode < 400 ? `redirect (${res.statusCode}) not followed` : `HTTP ${res.statusCode}`;
      return { kind: 'failed', status: res.statusCode, body, error, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    } catch (err) {
      return { kind: 'failed', error: describe(err, signal) };
    }
  }

  /** Aborts sends in flight (each settles as a failed attempt and is retried later, same webhook-id) and closes connections. */
  async close(): Promise<void> {
    await Promise.all([this.guarded.destroy(), this.open.destroy()]);
  }
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= RESPONSE_BODY_KEPT_BYTES) {
      // The rest is never read: a receiver cannot make us buffer megabytes.
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, RESPONSE_BODY_KEPT_BYTES).toString('utf8');
}

function describe(err: unknown, signal: AbortSignal): string {
  if (signal.aborted) return 'timed out';
  const cause = (err as { cause?: unknown }).cause;
  const message = err instanceof Error ? err.message : String(err);
  return cause instanceof Error && cause.message !== message ? `${message}: ${cause.message}` : message;
}
