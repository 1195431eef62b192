import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '../db/db.js';
import { readCursor, readSession, signIn } from '../db/meta.repository.js';
import { countVisibleSkipped, listSkipped } from '../db/skipped-event.repository.js';
import { messageEvent } from '../test-support/messages.js';
import { deepEventJson } from '../test-support/unreadable-event.js';
import { Connection, type SyncStatus } from './connection.js';

/** Just enough of a browser WebSocket for the connection, driven by the test. */
class FakeSocket {
  readonly CLOSING = 2;
  readyState = 0;
  sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;

  send(text: string): void {
    this.sent.push(JSON.parse(text));
  }
  close(): void {
    this.readyState = 3;
  }
  serverOpens(): void {
    this.readyState = 1;
    this.onopen?.();
  }
  serverSends(frame: unknown): void {
    this.serverSendsText(JSON.stringify(frame));
  }
  serverSendsText(text: string): void {
    this.onmessage?.({ data: text });
  }
  serverCloses(code: number): void {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

/** Node's; fake-indexeddb runs on it and the fake timers leave it alone. */
declare const setImmediate: (callback: () => void) => void;

let sockets: FakeSocket[];
let statuses: SyncStatus[];
let connection: Connection;

/** Lets IndexedDB work (it runs on setImmediate, which the fake timers leave alone). */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let round = 0; round < 200; round += 1) {
    if (await condition()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error('condition never became true');
}

const lastState = () => statuses.at(-1)?.state;

beforeEach(async () => {
  await Promise.all(db.tables.map((table) => table.clear()));
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  vi.stubGlobal('addEventListener', () => undefined);
  vi.stubGlobal('removeEventListener', () => undefined);
  vi.stubGlobal('document', { addEventListener: () => undefined, removeEventListener: () => undefined });
  vi.stubGlobal('location', { origin: 'http://tidings.test' });
  sockets = [];
  statuses = [];
  connection = new Connection({
    url: 'ws://tidings.test/api/v1/stream',
    onStatus: (status) => statuses.push(status),
    createSocket: () => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket as unknown as WebSocket;
    },
  });
  await signIn('token-alice', 'alice');
});

afterEach(() => {
  connection.stop();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('Connection', () => {
  it('resumes from the stored cursor, applies events and goes live', async () => {
    await db.meta.put({ key: 'cursor', value: '4' });
    connection.start();
    await until(() => sockets.length === 1);
    sockets[0]!.serverOpens();
    expect(sockets[0]!.sent).toEqual([{ type: 'hello', token: 'token-alice', after: '4', protocol: 1 }]);

    sockets[0]!.serverSends({ type: 'welcome', userId: 'alice', protocol: 1, heartbeatMs: 25_000 });
    sockets[0]!.serverSends({ type: 'event', event: messageEvent(5) });
    sockets[0]!.serverSends({ type: 'event', event: messageEvent(6) });
    sockets[0]!.serverSends({ type: 'synced', cursor: '6' });
    await until(() => lastState() === 'live');
    expect(await readCursor()).toBe('6');
    expect(await db.messages.count()).toBe(2);
  });

  it('stops and marks the session expired when the token is refused (4401)', async () => {
    connection.start();
    await until(() => sockets.length === 1);
    sockets[0]!.serverOpens();
    sockets[0]!.serverCloses(4401);
    await until(() => lastState() === 'signed-out');
    expect(statuses.at(-1)).toEqual({ state: 'signed-out', signedOutReason: 'expired' });
    expect((await readSession())?.expired).toBe(true);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(sockets).toHaveLength(1);
  });

  it('presumes the peer dead after two silent heartbeats and resumes from the new cursor', async () => {
    connection.start();
    await until(() => sockets.length === 1);
    sockets[0]!.serverOpens();
    sockets[0]!.serverSends({ type: 'welcome', userId: 'alice', protocol: 1, heartbeatMs: 1000 });
    sockets[0]!.serverSends({ type: 'event', event: messageEvent(1) });
    sockets[0]!.serverSends({ type: 'synced', cursor: '1' });
    await until(() => lastState() === 'live');

    await vi.advanceTimersByTimeAsync(1999);
    expect(sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets[0]!.readyState).toBe(3);
    await vi.advanceTimersByTimeAsync(500); // the first backoff is at most 500 ms
    await until(() => sockets.length === 2);
    sockets[1]!.serverOpens();
    expect(sockets[1]!.sent).toEqual([{ type: 'hello', token: 'token-alice', after: '1', protocol: 1 }]);
  });

  it('reconnects with growing delays after the server goes away', async () => {
    connection.start();
    await until(() => sockets.length === 1);
    sockets[0]!.serverOpens();
    sockets[0]!.serverCloses(1001);
    await until(() => lastState() === 'connecting');
    await vi.advanceTimersByTimeAsync(500);
    await until(() => sockets.length === 2);
    sockets[1]!.serverOpens();
    sockets[1]!.serverCloses(1001);
    await vi.advanceTimersByTimeAsync(499); // second retry waits at least 500 ms
    expect(sockets).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(501);
    await until(() => sockets.length === 3);
  });

  it('catches up over HTTP when the socket cannot open', async () => {
    const fetchMock = vi.fn(async () =>
      Response.json({ events: [messageEvent(1), messageEvent(2)], cursor: '2', more: false }),
    );
    vi.stubGlobal('fetch', fetchMock);
    connection.start();
    await until(() => sockets.length === 1);
    sockets[0]!.serverCloses(1006);
    await until(async () => (await readCursor()) === '2');
    const [url, init] = fetchMock.mock.calls[0] as unknown as [URL, RequestInit];
    expect(url.pathname + url.search).toBe('/api/v1/me/sync?after=0&limit=500');
    expect(init.headers).toMatchObject({ Authorization: 'Bearer token-alice' });
    expect(await db.messages.count()).toBe(2);
  });

  it('starts over from zero when the server names another shopper than the inbox holds', async () => {
    await db.meta.put({ key: 'cursor', value: '9' });
    await signIn('someone-elses-link', null);
    connection.start();
    await until(() => sockets.length === 1);
    sockets[0]!.serverOpens();
    sockets[0]!.serverSends({ type: 'welcome', userId: 'bob', protocol: 1, heartbeatMs: 25_000 });
    await until(() => sockets.length === 2);
    sockets[1]!.serverOpens();
    expect(sockets[1]!.sent).toEqual([{ type: 'hello', token: 'someone-elses-link', after: '0', protocol: 1 }]);
  });

  it('skips an event it cannot parse, applies the ones after it and stays on the same socket', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    connection.start();
    await until(() => sockets.length === 1);
    sockets[0]!.serverOpens();
    sockets[0]!.serverSends({ type: 'welcome', userId: 'alice', protocol: 1, heartbeatMs: 25_000 });
    sockets[0]!.serverSends({ type: 'event', event: messageEvent(1) });
    sockets[0]!.serverSendsText(`{"type":"event","event":${deepEventJson(2, 'deep')}}`);
    sockets[0]!.serverSends({ type: 'event', event: messageEvent(3) });
    sockets[0]!.serverSends({ type: 'synced', cursor: '3' });
    await until(() => lastState() === 'live');
    expect(await readCursor()).toBe('3');
    expect((await db.messages.toArray()).map((row) => row.id).sort()).toEqual(['m1', 'm3']);
    expect(await listSkipped()).toMatchObject([{ seq: 2, messageId: 'deep' }]);
    // Live events after it still arrive, on the same socket: no reconnect loop.
    sockets[0]!.serverSends({ type: 'event', event: messageEvent(4) });
    await until(async () => (await readCursor()) === '4');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(sockets).toHaveLength(1);
    expect(statuses.map((status) => status.state)).not.toContain('offline');
    warn.mockRestore();
  });

  it.each([
    [
      'an event frame that is not JSON (a damaged stored message an older server spliced in as it was), by the seq it starts with',
      (socket: FakeSocket) => socket.serverSendsText('{"type":"event","event":{"seq":2,"kind":"message","message":{"id":"torn","type":"sys}}'),
      'parse-failed',
    ],
    [
      'an event the server says it cannot read',
      (socket: FakeSocket) => socket.serverSends({ type: 'event', event: { seq: 2, kind: 'unavailable', eventKind: 'message', messageId: 'torn' } }),
      'unavailable',
    ],
  ] as const)('moves past %s, applies the frames after it on the same socket and tells the shopper', async (_name, sendBroken, reason) => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    connection.start();
    await until(() => sockets.length === 1);
    sockets[0]!.serverOpens();
    sockets[0]!.serverSends({ type: 'welcome', userId: 'alice', protocol: 1, heartbeatMs: 25_000 });
    sockets[0]!.serverSends({ type: 'event', event: messageEvent(1) });
    sendBroken(sockets[0]!);
    sockets[0]!.serverSends({ type: 'event', event: messageEvent(3) });
    sockets[0]!.serverSends({ type: 'synced', cursor: '3' });
    await until(() => lastState() === 'live');
    expect(await readCursor()).toBe('3');
    expect((await db.messages.toArray()).map((row) => row.id).sort()).toEqual(['m1', 'm3']);
    expect(await listSkipped()).toMatchObject([{ seq: 2, kind: 'message', messageId: 'torn', reason, visible: 1 }]);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(sockets).toHaveLength(1);
  });

  it('catches up over HTTP past an event it cannot parse', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const page = `{"events":[${JSON.stringify(messageEvent(1))},${deepEventJson(2, 'deep')},${JSON.stringify(messageEvent(3))}],"cursor":"3","more":false}`;
    vi.stubGlobal('fetch', vi.fn(async () => new Response(page, { headers: { 'content-type': 'application/json' } })));
    connection.start();
    await until(() => sockets.length === 1);
    sockets[0]!.serverCloses(1006);
    await until(async () => (await readCursor()) === '3');
    expect(await db.messages.count()).toBe(2);
    expect(await countVisibleSkipped()).toBe(1);
  });
});
