import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got, with the verdict of its own signature check. */
export interface ReceivedWebhook {
  path: string;
  at: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  status: number;
}

type Answer = { status: number; headers?: Record<string, string>; body?: string };

/**
 * A shop's webhook endpoint on loopback. Tests script its answers per path
 * (default 204) and check signatures with `verifyStandardWebhook`, written
 * here from the Standard Webhooks spec independently of the server's signer.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  /** Each answer waits this long (a slow shop), so concurrent senders overlap. */
  delayMs = 0;
  private readonly scripts = new Map<string, Answer[]>();
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly server: http.Server,
    readonly origin: string,
  ) {}

  static async start(): Promise<WebhookReceiver> {
    let receiver: WebhookReceiver | undefined;
    const server = http.createServer((req, res) => receiver!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiver = new WebhookReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return receiver;
  }

  get port(): number {
    return Number(new URL(this.origin).port);
  }

  /** The next answers for requests to `path`, in order; after them, 204. */
  script(path: string, ...answers: Answer[]): void {
    this.scripts.set(path, [...(this.scripts.get(path) ?? []), ...answers]);
  }

  at(path: string): ReceivedWebhook[] {
    return this.received.filter((r) => r.path === path);
  }

  async waitFor(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`webhook receiver: timed out; got ${JSON.stringify(this.received.map((r) => [r.path, r.body]))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      const answer = this.scripts.get(path)?.shift() ?? { status: 204 };
      this.received.push({ path, at: Date.now(), headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status: answer.status });
      setTimeout(() => {
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
        for (const wake of this.waiters.splice(0)) wake();
      }, this.delayMs);
    });
  }
}

/**
 * Standard Webhooks verification, from the spec: strip `whsec_`, base64-decode
 * the key, HMAC-SHA256 over `${id}.${timestamp}.${body}`, base64, compare in
 * constant time with each `v1,` signature of the space-separated header, and
 * refuse a timestamp more than five minutes away. Throws on any failure.
 */
export function verifyStandardWebhook(secret: string, headers: Record<string, string | string[] | undefined>, body: string, nowSeconds = Date.now() / 1000): void {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') throw new Error('missing headers');
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > 300) throw new Error('timestamp out of tolerance');
  if (!secret.startsWith('whsec_')) throw new Error('secret without whsec_ prefix');
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = crypto.createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  const match = signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    if (version !== 'v1' || !signature) return false;
    const given = Buffer.from(signature, 'base64');
    return given.length === expected.length && crypto.timingSafeEqual(given, expected);
  });
  if (!match) throw new Error('no matching signature');
}
