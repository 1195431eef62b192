import crypto from 'node:crypto';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { PushSubscriptionJson } from '../../shared/push.schema.js';
import { decryptWebPush } from './rfc8291-decrypt.js';
import { selfSignedCertificate } from './self-signed-cert.js';

/**
 * How the service is reached: plain HTTP (most tests), HTTPS speaking only
 * HTTP/1.1 (as Mozilla's autopush), or HTTPS speaking only HTTP/2 (FCM speaks h2).
 */
export type PushServiceProtocol = 'http' | 'https-h1' | 'https-h2';

type PushRequest = http.IncomingMessage | http2.Http2ServerRequest;
type PushResponse = http.ServerResponse | http2.Http2ServerResponse;

/** A browser's side of a subscription: the JSON it would post, and the private keys to decrypt with. */
export interface SyntheticSubscription {
  json: PushSubscriptionJson;
  ecdh: crypto.ECDH;
}

/** A push the service accepted (answered 2xx), decrypted. */
export interface ReceivedPush {
  endpoint: string;
  at: number;
  ttl: number;
  urgency: string | undefined;
  topic: string | undefined;
  plaintext: string;
  jwt: { aud: string; exp: number; sub: string };
  vapidKey: string;
  /** The HTTP version the push came over: '1.1' or '2.0'. */
  httpVersion: string;
}

/** Every request, answered or not, in arrival order. */
export interface PushAttempt {
  endpoint: string;
  at: number;
  status: number;
  /** Why the service refused it, when it did so on its own (bad JWT, undecryptable body, …). */
  problem?: string;
}

interface Scripted {
  status: number;
  headers: Record<string, string>;
}

const MAX_BODY_BYTES = 4096;

/**
 * A Web Push service on loopback, strict the way real ones are: it checks the
 * VAPID JWT (ES256 signature with the `k` key, `aud` = its origin, `exp` in
 * the future and at most 24 h away), the content coding, TTL, and decrypts
 * the RFC 8291 body with the subscription's private keys (with its own
 * node:crypto decryption, `rfc8291-decrypt.ts`, not web-push's http_ece). Tests script its
 * next answers (410, 429 with Retry-After, 5xx …) or hold requests unanswered.
 */
export class LoopbackPushService {
  readonly received: ReceivedPush[] = [];
  readonly attempts: PushAttempt[] = [];
  private readonly subscriptions = new Map<string, SyntheticSubscription>();
  private readonly script: Scripted[] = [];
  private holding = false;
  private holdAfterCount = Infinity;
  private held: { respond: () => void; closed: () => boolean }[] = [];
  private waiters: (() => void)[] = [];

  private readonly sessions = new Set<http2.ServerHttp2Session>();
  /** Connections senders opened so far (TCP, or TLS when the service speaks TLS). */
  connectionCount = 0;

  private constructor(
    private readonly server: http.Server | https.Server | http2.Http2SecureServer,
    readonly origin: string,
    /** For TLS protocols: the certificate a sender must trust (its `ca`). */
    readonly ca: Buffer | undefined,
  ) {}

  static async start(protocol: PushServiceProtocol = 'http'): Promise<LoopbackPushService> {
    let service: LoopbackPushService | undefined;
    const handle = (req: PushRequest, res: PushResponse) => service!.handle(req, res);
    const tls = protocol === 'http' ? undefined : selfSignedCertificate();
    const server =
      protocol === 'http'
        ? http.createServer(handle)
        : protocol === 'https-h1'
          ? https.createServer({ ...tls, ALPNProtocols: ['http/1.1'] }, handle)
          : http2.createSecureServer({ ...tls, allowHTTP1: false }, handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    service = new LoopbackPushService(server, `${protocol === 'http' ? 'http' : 'https'}://127.0.0.1:${port}`, tls?.cert);
    server.on(protocol === 'http' ? 'connection' : 'secureConnection', () => service!.connectionCount++);
    if (protocol === 'https-h2') {
      (server as http2.Http2SecureServer).on('session', (session: http2.ServerHttp2Session) => {
        service!.sessions.add(session);
        session.on('close', () => service!.sessions.delete(session));
      });
    }
    return service;
  }

  /** A fresh subscription on this service with its own P-256 key pair and auth secret. */
  subscription(name: string = crypto.randomUUID()): SyntheticSubscription {
    const ecdh = crypto.createECDH('prime256v1');
    ecdh.generateKeys();
    const json: PushSubscriptionJson = {
      endpoint: `${this.origin}/push/${name}`,
      expirationTime: null,
      keys: { p256dh: ecdh.getPublicKey('base64url'), auth: crypto.randomBytes(16).toString('base64url') },
    };
    const subscription = { json, ecdh };
    this.subscriptions.set(new URL(json.endpoint).pathname, subscription);
    return subscription;
  }

  /** The next `times` requests get this answer instead of 201. */
  respondWith(status: number, times = 1, headers: Record<string, string> = {}): void {
    for (let i = 0; i < times; i++) this.script.push({ status, headers });
  }

  /** Requests from now on wait unanswered until release(). */
  hold(): void {
    this.holding = true;
  }

  /** Accepts `count` more pushes, then holds every request after them. */
  holdAfter(count: number): void {
    this.holdAfterCount = this.received.length + count;
  }

  release(): void {
    this.holding = false;
    this.holdAfterCount = Infinity;
    for (const { respond } of this.held.splice(0)) respond();
  }

  get heldCount(): number {
    return this.held.length;
  }

  /** Held requests whose sender is still connected (a killed sender's close is seen a little later). */
  get heldOpenCount(): number {
    return this.held.filter((entry) => !entry.closed()).length;
  }

  receivedFor(endpoint: string): ReceivedPush[] {
    return this.received.filter((push) => push.endpoint === endpoint);
  }

  async waitFor(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`push service: timed out; ${this.received.length} received, attempts: ${JSON.stringify(this.attempts.slice(-5))}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 100));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async close(): Promise<void> {
    this.release();
    if ('closeAllConnections' in this.server) this.server.closeAllConnections();
    for (const session of this.sessions) session.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: PushRequest, res: PushResponse): void {
    let closed = false;
    res.on('close', () => (closed = true));
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const at = Date.now();
      const endpoint = `${this.origin}${req.url ?? ''}`;
      const answer = (status: number, headers: Record<string, string> = {}, problem?: string) => {
        this.attempts.push({ endpoint, at, status, ...(problem ? { problem } : {}) });
        res.writeHead(status, headers);
        res.end();
        this.notify();
      };
      const checked = this.check(req, Buffer.concat(chunks), endpoint, at);
      if ('problem' in checked) return answer(checked.status, {}, checked.problem);
      const respond = () => {
        if (closed) return; // the sender went away before an answer: nothing was accepted
        const scripted = this.script.shift();
        if (scripted && (scripted.status < 200 || scripted.status > 299)) return answer(scripted.status, scripted.headers);
        this.received.push(checked.push);
        answer(scripted?.status ?? 201, { location: `${this.origin}/message/${crypto.randomUUID()}` });
      };
      if (this.received.length >= this.holdAfterCount) this.holding = true;
      if (this.holding) this.held.push({ respond, closed: () => closed });
      else respond();
    });
  }

  private check(
    req: PushRequest,
    body: Buffer,
    endpoint: string,
    at: number,
  ): { push: ReceivedPush } | { status: number; problem: string } {
    if (req.method !== 'POST') return { status: 405, problem: 'method' };
    const subscription = this.subscriptions.get(new URL(endpoint).pathname);
    if (!subscription) return { status: 404, problem: 'unknown subscription' };
    const vapid = this.verifyVapid(req.headers.authorization, at);
    if (typeof vapid === 'string') return { status: 401, problem: vapid };
    if (req.headers['content-encoding'] !== 'aes128gcm') return { status: 415, problem: 'content-encoding' };
    const ttl = Number(req.headers.ttl);
    if (req.headers.ttl === undefined || !Number.isInteger(ttl) || ttl < 0) return { status: 400, problem: 'TTL' };
    const topic = req.headers.topic as string | undefined;
    if (topic !== undefined && !/^[A-Za-z0-9_-]{1,32}$/.test(topic)) return { status: 400, problem: 'Topic' };
    if (body.length > MAX_BODY_BYTES) return { status: 413, problem: 'body over 4096 bytes' };
    let plaintext: string;
    try {
      // node:crypto alone, not http_ece: web-push encrypts with http_ece, so this checks it independently.
      plaintext = decryptWebPush(body, {
        ecdh: subscription.ecdh,
        authSecret: Buffer.from(subscription.json.keys.auth, 'base64url'),
      }).toString('utf8');
    } catch (err) {
      return { status: 400, problem: `decrypt: ${String(err)}` };
    }
    return {
      push: {
        endpoint,
        at,
        ttl,
        urgency: req.headers.urgency as string | undefined,
        topic,
        plaintext,
        jwt: vapid.claims,
        vapidKey: vapid.key,
        httpVersion: req.httpVersion,
      },
    };
  }

  /** RFC 8292: `vapid t=<JWT>, k=<public key>`; returns the problem as a string. */
  private verifyVapid(header: string | undefined, now: number): { claims: ReceivedPush['jwt']; key: string } | string {
    const match = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(header ?? '');
    if (!match) return 'Authorization is not "vapid t=…, k=…"';
    const [, jwt, key] = match as unknown as [string, string, string];
    const [head, claims, signature] = jwt.split('.') as [string, string, string];
    const raw = Buffer.from(key, 'base64url');
    if (raw.length !== 65 || raw[0] !== 4) return 'k is not an uncompressed P-256 key';
    const publicKey = crypto.createPublicKey({
      key: { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33).toString('base64url') },
      format: 'jwk',
    });
    const valid = crypto.verify(
      'sha256',
      Buffer.from(`${head}.${claims}`),
      { key: publicKey, dsaEncoding: 'ieee-p1363' },
      Buffer.from(signature, 'base64url'),
    );
    if (!valid) return 'JWT signature does not verify with k';
    const joseHeader = JSON.parse(Buffer.from(head, 'base64url').toString()) as { alg?: string };
    if (joseHeader.alg !== 'ES256') return 'JWT alg is not ES256';
    const payload = JSON.parse(Buffer.from(claims, 'base64url').toString()) as ReceivedPush['jwt'];
    if (payload.aud !== this.origin) return `JWT aud ${payload.aud} is not ${this.origin}`;
    const nowSeconds = Math.floor(now / 1000);
    if (!(payload.exp > nowSeconds)) return 'JWT expired';
    if (payload.exp > nowSeconds + 24 * 3600) return 'JWT exp more than 24 h away';
    if (!/^(mailto:|https:)/.test(payload.sub ?? '')) return 'JWT sub is not mailto: or https:';
    return { claims: payload, key };
  }

  private notify(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}
