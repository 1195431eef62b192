import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import webpush from 'web-push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EndpointAllowlist } from './endpoint-allowlist.js';
import { PushSender } from './push-sender.js';
import { VapidSigner } from './vapid-signer.js';

// How the sender reads a push service's answer: status, Retry-After, the start of an error body.
let answer: { status: number; headers?: Record<string, string>; body?: string } = { status: 201 };
const received: { headers: http.IncomingHttpHeaders; bytes: number }[] = [];
const server = http.createServer((req, res) => {
  let bytes = 0;
  req.on('data', (chunk: Buffer) => (bytes += chunk.length));
  req.on('end', () => {
    received.push({ headers: req.headers, bytes });
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  });
});
let origin = '';
let sender: PushSender;
const ecdh = crypto.createECDH('prime256v1');
const target = () => ({ endpoint: `${origin}/push/1`, p256dh: ecdh.generateKeys().toString('base64url'), auth: crypto.randomBytes(16).toString('base64url') });
const options = { ttl: 60, urgency: 'high' as const, topic: 'order-1042' };

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sender = new PushSender({
    signer: new VapidSigner(webpush.generateVAPIDKeys(), 'mailto:ops@shop.example'),
    allowlist: EndpointAllowlist.parse(origin),
    encryptThreads: 0,
    now: () => 1_000_000,
  });
});
afterAll(async () => {
  await sender.close();
  await new Promise((resolve) => server.close(resolve));
});

describe('PushSender answers', () => {
  it('sends the RFC 8030 headers with the body length, and reads a 201 as delivered', async () => {
    answer = { status: 201, body: 'ignored' };
    expect(await sender.send(target(), 'hello', options)).toEqual({ kind: 'delivered', status: 201 });
    const { headers, bytes } = received.at(-1)!;
    expect(headers).toMatchObject({ ttl: '60', urgency: 'high', topic: 'order-1042', 'content-encoding': 'aes128gcm', 'content-length': String(bytes) });
    expect(headers.authorization).toMatch(/^vapid t=/);
    expect(bytes).toBeGreaterThan(86);
  });

  it('keeps the first 200 characters of an error body as the reason', async () => {
    answer = { status: 400, body: `bad: ${'x'.repeat(5_000)}` };
    const result = await sender.send(target(), 'hello', options);
    expect(result).toEqual({ kind: 'rejected', status: 400, reason: `bad: ${'x'.repeat(195)}` });
  });

  it('reads Retry-After of a 429 and pauses the origin', async () => {
    answer = { status: 429, headers: { 'retry-after': '30' } };
    expect(await sender.send(target(), 'hello', options)).toEqual({ kind: 'retry', status: 429, retryAfterMs: 30_000, reason: 'HTTP 429' });
    const before = received.length;
    expect(await sender.send(target(), 'hello', options)).toMatchObject({ kind: 'retry', retryAfterMs: 30_000 });
    expect(received).toHaveLength(before);
  });

  it('turns a refused connection into a retry', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const gone = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const other = new PushSender({
      signer: new VapidSigner(webpush.generateVAPIDKeys(), 'mailto:ops@shop.example'),
      allowlist: EndpointAllowlist.parse(gone),
      encryptThreads: 0,
    });
    try {
      expect(await other.send({ ...target(), endpoint: `${gone}/push/1` }, 'hello', options)).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/ECONNREFUSED/) });
    } finally {
      await other.close();
    }
  });

  it('rejects an endpoint that does not parse or is outside the allowlist without a request', async () => {
    const before = received.length;
    for (const endpoint of ['not a url', 'https://evil.example/push/1']) {
      expect(await sender.send({ ...target(), endpoint }, 'hello', options)).toMatchObject({ kind: 'rejected', status: 0 });
    }
    expect(received).toHaveLength(before);
  });
});
