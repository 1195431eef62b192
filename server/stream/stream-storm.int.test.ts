import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../shared/message.schema.js';
import { findMerchantByKey } from '../auth/merchant-keys.js';
import { countLoopTurns } from '../test-support/loop-turns.js';
import { StreamClient } from '../test-support/stream-client.js';
import { storeMessage } from '../test-support/store-messages.js';
import { startTestServer, TEST_MERCHANT_KEY, type TestServer } from '../test-support/test-server.js';
import { REPLAY_PAGES_AT_ONCE, REPLAY_TURN_BUDGET_MS } from './replay-turns.js';

/*
 * A reconnect storm in miniature (bench/reconnect-storm.bench.ts is the full
 * one): many shoppers, each behind, resume at the same moment. Every one ends
 * with exactly its missing range, and the replays take turns with the event
 * loop instead of running back to back while no connection is accepted.
 */

const SHOPPERS = 40;
const EVENTS = 12;
const CURSOR = 4;
/** Synchronous work added to every page read. */
const PAGE_MS = 2;
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
    const loop = countLoopTurns();
    // Each page read costs PAGE_MS of synchronous work, as a long page would: a turn that kept granting
    // past its budget, or no turns at all, would run far more of them between two ticks.
    const readsPerTurn = new Map<number, number>();
    const readEvents = server.store.readStoredEvents.bind(server.store);
    server.store.readStoredEvents = (userId, afterSeq, limit) => {
      readsPerTurn.set(loop.turn, (readsPerTurn.get(loop.turn) ?? 0) + 1);
      const until = performance.now() + PAGE_MS;
      while (performance.now() < until);
      return readEvents(userId, afterSeq, limit);
    };

    // Every hello in one go: the server reads them in one poll for I/O.
    clients.forEach((client, i) => client.hello(tokens[i]!, String(CURSOR)));
    await Promise.all(clients.map((client) => client.waitFor((c) => c.frames.some((f) => f.type === 'synced'), 20_000)));
    loop.stop();
    server.store.readStoredEvents = readEvents;

    for (const client of clients) {
      expect(client.events.map((e) => e.seq)).toEqual(Array.from({ length: EVENTS - CURSOR }, (_, i) => CURSOR + 1 + i));
      expect(client.frames.at(-1)).toEqual({ type: 'synced', cursor: String(EVENTS) });
    }
    expect([...readsPerTurn.values()].reduce((a, b) => a + b, 0)).toBe(SHOPPERS);
    // A turn starts REPLAY_PAGES_AT_ONCE pages, then one more each time a page ends within the budget.
    // A page taking longer than PAGE_MS (the machine is busy) only lowers the count. A turn may fall
    // either side of the tick, so two turns' pages can meet between two ticks.
    const perTurn = REPLAY_PAGES_AT_ONCE + Math.ceil(REPLAY_TURN_BUDGET_MS / PAGE_MS);
    expect(Math.max(...readsPerTurn.values())).toBeLessThanOrEqual(2 * perTurn);
  });
});
