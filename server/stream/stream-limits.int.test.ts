import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { STREAM_CLOSE } from '../../shared/stream.schema.js';
import { StreamClient } from '../test-support/stream-client.js';
import { messageTo, startTestServer, type TestServer } from '../test-support/test-server.js';
import type { StreamLimitSettings } from './stream-limits.js';

let server: TestServer | undefined;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await server?.close();
  server = undefined;
});

const NONE: StreamLimitSettings = { maxPerShopper: 0, maxPerIp: 0, upgrades: { perSecond: 0, burst: 1 } };

/** Opens a socket and reports how the upgrade was answered: 101, or the refusal's status and Retry-After. */
function upgrade(headers: Record<string, string> = {}): Promise<{ status: number; retryAfter?: string | undefined }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(server!.wsUrl, { headers });
    sockets.push(ws);
    ws.once('open', () => resolve({ status: 101 }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] });
      res.resume();
    });
    ws.once('error', reject);
  });
}

async function closeAll(): Promise<void> {
  const open = sockets.splice(0);
  await Promise.all(
    open.map((ws) => new Promise<void>((resolve) => (ws.readyState === WebSocket.CLOSED ? resolve() : (ws.once('close', () => resolve()), ws.close())))),
  );
}

describe('/api/v1/stream limits', () => {
  it('refuses a shopper’s stream beyond STREAM_MAX_PER_SHOPPER with 4409 and keeps the open ones live', async () => {
    server = await startTestServer({ streamLimits: { ...NONE, maxPerShopper: 2 } });
    const token = await server.tokenFor('cap-shopper');
    const first = await StreamClient.connect(server.wsUrl, token);
    const second = await StreamClient.connect(server.wsUrl, token);
    const third = await StreamClient.open(server.wsUrl);
    third.hello(token);
    expect((await third.closed).code).toBe(STREAM_CLOSE.tooManyConnections);
    expect(third.frames.some((f) => f.type === 'welcome')).toBe(false);

    // Another shopper is not affected by this one's streams.
    (await StreamClient.connect(server.wsUrl, await server.tokenFor('cap-other'))).close();

    expect((await server.send(messageTo(['cap-shopper'], { title: 'still live' }))).status).toBe(202);
    await first.waitForEvents(1);
    await second.waitForEvents(1);
    expect([first.titles, second.titles]).toEqual([['still live'], ['still live']]);

    // A closed stream gives its slot back.
    first.close();
    await first.closed;
    const again = await StreamClient.connect(server.wsUrl, token);
    expect(again.titles).toEqual(['still live']);
    again.close();
    second.close();
  });

  it('answers upgrades beyond STREAM_MAX_PER_IP with HTTP 429, before any hello, and frees the slot on close', async () => {
    server = await startTestServer({ streamLimits: { ...NONE, maxPerIp: 2 } });
    expect((await upgrade()).status).toBe(101);
    expect((await upgrade()).status).toBe(101);
    const refused = await upgrade();
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(server.app.streams.size).toBe(2);
    await closeAll();
    expect((await upgrade()).status).toBe(101);
  });

  it('rate-limits upgrades per IP with a token bucket', async () => {
    // So slow that no token comes back during the test.
    server = await startTestServer({ streamLimits: { ...NONE, upgrades: { perSecond: 0.01, burst: 3 } } });
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await upgrade()).status);
      await closeAll();
    }
    expect(statuses).toEqual([101, 101, 101, 429]);
  });

  it('counts the client IP behind a trusted proxy, as the HTTP rate limit does', async () => {
    server = await startTestServer({ trustProxy: 'loopback', streamLimits: { ...NONE, maxPerIp: 1 } });
    expect((await upgrade({ 'x-forwarded-for': '203.0.113.1' })).status).toBe(101);
    expect((await upgrade({ 'x-forwarded-for': '203.0.113.2' })).status).toBe(101);
    expect((await upgrade({ 'x-forwarded-for': '203.0.113.1' })).status).toBe(429);
  });
});
