import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../shared/message.schema.js';
import { findMerchantByKey } from '../auth/merchant-keys.js';
import { StreamClient } from '../test-support/stream-client.js';
import { storeMessage } from '../test-support/store-messages.js';
import { startTestServer, TEST_MERCHANT_KEY, type TestServer } from '../test-support/test-server.js';
import { REPLAY_PAGES_PER_TURN } from './replay-turns.js';

/*
 * A reconnect storm in miniature (bench/reconnect-storm.bench.ts is the full
 * one): many shoppers, each behind, resume at the same moment. Every one ends
 * with exactly its missing range, and the replays take turns with the event
 * loop instead of running back to back while no connection is accepted.
 */

const SHOPPERS = 40;
const EVENTS = 12;
const CURSOR = 4;
const shoppers = Array.from({ length: SHOPPERS }, (_, i) => `storm-${i}`);

let server: TestServer;
const opened: StreamClient[] = [];

beforeAll(async () => {
  server = await startTestServer();
  const merchant = (await findMerchantByKey(server.store, TEST_MERCHANT_KEY))!;
  for (let i = 1; i <= EVENTS; i++) {
    const message: Message = {
      id: `storm-${i}`,
      type: 'system',
      category: 'promotion',
      priority: 3,
      title: `Sale ${i}`,
      createdAt: new Date().toISOString(),
    };
    await storeMessage(server.store, message, merchant.id, shoppers);
  }
});

afterAll(async () => {
  for (const client of opened) client.ws.terminate();
  await server?.close();
});

describe('many shoppers resuming at once', () => {
  it('each gets exactly the events after its cursor, and replay pages take turns with the loop', async () => {
    const tokens = await Promise.all(shoppers.map((userId) => server.tokenFor(userId)));
    const clients = await Promise.all(shoppers.map(() => StreamClient.open(server.wsUrl)));
    opened.push(...clients);

    // A turn is one pass of the loop's check phase; each page read is tagged with the turn it ran in.
    let turn = 0;
    let counting = true;
    const tick = () => {
      turn++;
      if (counting) setImmediate(tick);
    };
    setImmediate(tick);
    const readsPerTurn = new Map<number, number>();
    const readEvents = server.store.readEvents.bind(server.store);
    server.store.readEvents = (userId, afterSeq, limit) => {
      readsPerTurn.set(turn, (readsPerTurn.get(turn) ?? 0) + 1);
      return readEvents(userId, afterSeq, limit);
    };

    // Every hello in one go: the server reads them in one poll for I/O.
    clients.forEach((client, i) => client.hello(tokens[i]!, String(CURSOR)));
    await Promise.all(clients.map((client) => client.waitFor((c) => c.frames.some((f) => f.type === 'synced'), 20_000)));
    counting = false;
    server.store.readEvents = readEvents;

    for (const client of clients) {
      expect(client.events.map((e) => e.seq)).toEqual(Array.from({ length: EVENTS - CURSOR }, (_, i) => CURSOR + 1 + i));
      expect(client.frames.at(-1)).toEqual({ type: 'synced', cursor: String(EVENTS) });
    }
    expect([...readsPerTurn.values()].reduce((a, b) => a + b, 0)).toBe(SHOPPERS);
    // A grant may fall either side of the tick in a turn, so two turns' grants can meet between two ticks.
    expect(Math.max(...readsPerTurn.values())).toBeLessThanOrEqual(2 * REPLAY_PAGES_PER_TURN);
  });
});
