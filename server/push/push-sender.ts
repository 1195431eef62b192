import type { ConnectionOptions, TLSSocket } from 'node:tls';
import { Agent, buildConnector } from 'undici';
import { EncryptPool, defaultEncryptThreads, encryptInline } from './encrypt-pool.js';
import type { EndpointAllowlist } from './endpoint-allowlist.js';
import type { PushOptions } from './push-options.js';
import { PushResponseHandler, type PushResponse } from './push-response-handler.js';
import { parseRetryAfter } from './retry-policy.js';
import type { VapidSigner } from './vapid-signer.js';

/** What the sender needs of a subscription. */
export interface PushTarget {
  endpoint: string;
  p256dh: string;
  auth: string;
}

/** How the push service answered, sorted by what the queue must do next. */
export type PushResult =
  | { kind: 'delivered'; status: number }
  /** 404/410: the subscription no longer exists; the only answers that delete it. */
  | { kind: 'gone'; status: number }
  /** Any other 4xx (400 bad request, 403 VAPID key mismatch, 413 too large): retrying cannot help. */
  | { kind: 'rejected'; status: number; reason: string }
  /** Network error, timeout, 429 or 5xx: try again later, no earlier than `retryAfterMs` when given. */
  | { kind: 'retry'; status?: number; retryAfterMs?: number; reason: string };

export interface PushSenderOptions {
  signer: VapidSigner;
  allowlist: EndpointAllowlist;
  /** Keep-alive connections per push-service origin. */
  connectionsPerOrigin?: number;
  /** Longest wait for the push service's answer. */
  timeoutMs?: number;
  /** TLS options for every push service (tests and benchmarks trust a local CA here). */
  tls?: ConnectionOptions;
  /**
   * Worker threads that encrypt payloads, so encryption (most of a push's CPU)
   * runs beside the event loop's HTTP and SQLite work. 0 encrypts on the event
   * loop. Default: one fewer than the available cores, at least one (see defaultEncryptThreads).
   */
  encryptThreads?: number;
  now?: () => number;
}

/** Streams one HTTP/2 connection carries at once; a push service's SETTINGS may lower it. */
const STREAMS_PER_H2_CONNECTION = 100;

/**
 * Sends one encrypted push per call, RFC 8030/8291/8292. Unlike
 * `webpush.sendNotification`, which opens a connection and signs a JWT per
 * message, connections to each push service stay open (one undici pool per
 * origin) and the VAPID header comes from the signer's cache. A 429 with
 * Retry-After pauses the whole origin, because push services throttle per
 * sender, not per subscription.
 *
 * HTTP/2 is offered in the TLS handshake (ALPN): a push service that speaks
 * it (FCM) gets many pushes as streams over few connections; one that speaks
 * only HTTP/1.1 (Mozilla's autopush) gets one push at a time per keep-alive
 * connection, as before.
 */
export class PushSender {
  private readonly agent: Agent;
  private readonly pausedUntil = new Map<string, number>();
  private readonly now: () => number;
  private readonly pool: EncryptPool | undefined;
  /** Origins whose connections negotiated h2, so their pushes may share a connection. */
  private readonly h2Origins = new Set<string>();

  constructor(private readonly options: PushSenderOptions) {
    const timeout = options.timeoutMs ?? 20_000;
    this.now = options.now ?? Date.now;
    const threads = options.encryptThreads ?? defaultEncryptThreads();
    this.pool = threads > 0 ? new EncryptPool(threads) : undefined;
    const connect = buildConnector({ ...options.tls, allowH2: true, timeout: Math.min(timeout, 10_000) });
    this.agent = new Agent({
      connections: options.connectionsPerOrigin ?? 32,
      allowH2: true,
      // Only requests marked idempotent share a connection (see send), and only h2 origins' are.
      pipelining: STREAMS_PER_H2_CONNECTION,
      keepAliveTimeout: 60_000,
      headersTimeout: timeout,
      bodyTimeout: timeout,
      connect: (opts, callback) =>
        connect(opts, (...args) => {
          const socket = args[1] as TLSSocket | null;
          if (socket?.alpnProtocol === 'h2') this.h2Origins.add(`${opts.protocol}//${opts.host ?? opts.hostname}`);
          callback(...args);
        }),
    });
  }

  async send(target: PushTarget, plaintext: string | Buffer, push: PushOptions): Promise<PushResult> {
    const url = parseEndpoint(target.endpoint);
    // Checked again at send time: the allowlist may have been narrowed since the shopper subscribed.
    if (!url || !this.options.allowlist.allowsUrl(url)) {
      return { kind: 'rejected', status: 0, reason: 'endpoint not in PUSH_ENDPOINT_ALLOWLIST' };
    }
    const { origin } = url;
    const paused = this.pausedUntil.get(origin);
    if (paused !== undefined) {
      const left = paused - this.now();
      if (left > 0) return { kind: 'retry', retryAfterMs: left, reason: 'push service asked to slow down' };
      this.pausedUntil.delete(origin);
    }

    const job = { p256dh: target.p256dh, auth: target.auth, plaintext };
    const cipherText = this.pool ? await this.pool.encrypt(job) : encryptInline(job);
    // A flat array is what undici keeps internally; content-length it takes from the Buffer body.
    const headers = [
      'authorization',
      this.options.signer.authorizationFor(origin),
      'content-encoding',
      'aes128gcm',
      'content-type',
      'application/octet-stream',
      'ttl',
      String(push.ttl),
      'urgency',
      push.urgency,
    ];
    if (push.topic) headers.push('topic', push.topic);

    let status: number;
    let retryAfter: string | undefined;
    let reason: string;
    try {
      ({ status, retryAfter, reason } = await new Promise<PushResponse>((resolve, reject) => {
        this.agent.dispatch(
          {
            origin,
            path: `${url.pathname}${url.search}`,
            method: 'POST',
            headers,
            body: cipherText,
            // undici keeps a request not marked idempotent alone on its connection. On h2 that would
            // mean one stream per connection; on HTTP/1.1 it rules out pipelining, which stays so.
            // Marking a push so is sound: the queue already promises at least once, not exactly once.
            idempotent: this.h2Origins.has(origin),
          },
          new PushResponseHandler(resolve, reject),
        );
      }));
    } catch (err) {
      return { kind: 'retry', reason: err instanceof Error ? err.message : String(err) };
    }

    if (status >= 200 && status < 300) return { kind: 'delivered', status };
    if (status === 404 || status === 410) return { kind: 'gone', status };
    if (status === 429 || status >= 500) {
      const retryAfterMs = parseRetryAfter(retryAfter, this.now());
      if (status === 429 && retryAfterMs !== undefined) this.pausedUntil.set(origin, this.now() + retryAfterMs);
      return { kind: 'retry', status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}), reason: reason || `HTTP ${status}` };
    }
    return { kind: 'rejected', status, reason: reason || `HTTP ${status}` };
  }

  /** How long the encryption threads waited for work (EncryptPool.idleMs); 0 when encrypting on the event loop. */
  encryptIdleMs(): number {
    return this.pool?.idleMs() ?? 0;
  }

  /** Closes idle connections and stops the encryption threads; requests still in flight are aborted. */
  async close(): Promise<void> {
    await Promise.all([this.agent.destroy(), this.pool?.close()]);
  }
}

function parseEndpoint(endpoint: string): URL | undefined {
  try {
    return new URL(endpoint);
  } catch {
    return undefined;
  }
}
