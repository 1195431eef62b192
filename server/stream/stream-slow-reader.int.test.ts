import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Message } from '../../shared/message.schema.js';
import { STREAM_CLOSE } from '../../shared/stream.schema.js';
import { findMerchantByKey } from '../auth/merchant-keys.js';
import { StreamClient } from '../test-support/stream-client.js';
import { storeMessage } from '../test-support/store-messages.js';
import { startTestServer, TEST_MERCHANT_KEY, type TestServer } from '../test-support/test-server.js';
import { NO_STREAM_LIMITS } from './stream-limits.js';

/*
 * A shopper device that stops reading its socket (a frozen tab, a phone that
 * lost its radio without a FIN): the server must not buffer its backlog
 * without bound. Past maxBufferedBytes (4 MiB in the app) it closes the
 * stream with 4429, and the device resumes from its cursor with nothing
 * missed and nothing twice.
 */

const SHOPPER = 'slow-reader';
/**
 * About 8 KiB per event: 2,000 events are ~16 MiB, well past the 4 MiB the
 * server buffers plus what the kernel's socket buffers take on loopback
 * (the reader's receive buffer does not grow while nobody reads it).
 */
const EVENTS = 2_000;
/** One stream per shopper: a second one is admitted only once the server has let go of the first. */
const ONE_STREAM = { ...NO_STREAM_LIMITS, maxPerShopper: 1 };

let server: TestServer;
let token: string;
/** Every client the test opened, ended at teardown so a failed run does not hold the server's shutdown. */
const opened: StreamClient[] = [];

beforeAll(async () => {
  server = await startTestServer({ streamLimits: ONE_STREAM });
  token = await server.tokenFor(SHOPPER);
  const merchant = (await findMerchantByKey(server.store, TEST_MERCHANT_KEY))!;
  // Straight into the log (as POST /messages stores them): the backlog the slow reader is replayed.
  for (let i = 1; i <= EVENTS; i++) {
    const message: Message = {
      id: `slow-${i}`,
      type: 'system',
      category: 'order',
      priority: 3,
      title: `Update ${i}`,
      body: 'b'.repeat(3_900),
      data: { filler: 'd'.repeat(3_900) },
      createdAt: new Date().toISOString(),
    };
    await storeMessage(server.store, message, merchant.id, [SHOPPER]);
  }
}, 120_000);

afterAll(async () => {
  for (const client of opened) client.ws.terminate();
  await server?.close();
});

/**
 * A stream for the shopper from `after`, once the server admits it: while
 * another stream of the shopper is still held, it is closed with 4409 and
 * tried again. This is how the test learns that the server has given up on
 * the slow reader, which cannot tell anyone while it is not reading.
 */
async function admittedStream(after: string): Promise<StreamClient> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = await StreamClient.open(server.wsUrl);
    opened.push(client);
    client.hello(token, after);
    // Synced (after replaying what follows `after`), or refused and closed.
    await client.waitFor((c) => c.frames.some((f) => f.type === 'synced') || c.ws.readyState === WebSocket.CLOSED, 30_000);
    if (client.ws.readyState !== WebSocket.CLOSED) return client;
    expect((await client.closed).code).toBe(STREAM_CLOSE.tooManyConnections);
    if (Date.now() > deadline) throw new Error('the server still holds the slow stream');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a stream reader that stops reading', () => {
  it('is closed with 4429 once the server has buffered too much, and resumes from its cursor', async () => {
    const slow = await StreamClient.open(server.wsUrl);
    opened.push(slow);
    // The ws client reads its TCP socket as data comes; pausing that socket is a reader that stopped reading.
    const socket = (slow.ws as unknown as { _socket: Socket })._socket;
    socket.pause();
    slow.hello(token);

    // The server lets go of the slow stream (its slot comes back) while the reader still reads nothing.
    const probe = await admittedStream(String(EVENTS));
    expect(slow.frames).toEqual([]);
    probe.close();
    await probe.closed;

    // Reading again: what the server had written, in order, then its close frame.
    socket.resume();
    const closed = await slow.closed;
    expect(closed).toEqual({ code: STREAM_CLOSE.tooSlow, reason: 'reading too slowly; reconnect and resume' });
    const got = slow.events.map((event) => event.seq);
    expect(got.length).toBeGreaterThan(0);
    expect(got.length).toBeLessThan(EVENTS);
    expect(got).toEqual(Array.from({ length: got.length }, (_, i) => i + 1));

    // Resuming from the last event it read brings exactly the rest.
    const resumed = await admittedStream(String(got.at(-1)));
    await resumed.waitForEvents(EVENTS - got.length, 30_000);
    expect(resumed.events.map((event) => event.seq)).toEqual(Array.from({ length: EVENTS - got.length }, (_, i) => got.length + i + 1));
    resumed.close();
  }, 120_000);
});
