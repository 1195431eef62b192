import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Store } from '../store/store.js';
import { DeliveryCounter } from './delivery-counter.js';

function recordingStore() {
  const counts: Map<string, number>[] = [];
  const pairs: { messageId: string; userId: string }[][] = [];
  const store = {
    lifecycle: { addDeliveredLive: async (batch: ReadonlyMap<string, number>) => void counts.push(new Map(batch)) },
    webhooks: { recordLiveDeliveries: async (p: { messageId: string; userId: string }[]) => (pairs.push(p), p.length) },
  } as unknown as Store;
  return { store, counts, pairs };
}

describe('DeliveryCounter', () => {
  it('adds up frames per message, and hands each (message, shopper) pair on once per flush', async () => {
    const { store, counts, pairs } = recordingStore();
    const counter = new DeliveryCounter(store, pino({ level: 'silent' }), 60_000);
    counter.count('m1', 'u1');
    counter.count('m1', 'u1'); // a second device of u1
    counter.count('m1', 'u2');
    counter.count('m2', 'u1');
    await counter.flush();
    expect(counts).toEqual([new Map([['m1', 3], ['m2', 1]])]);
    expect(pairs).toEqual([[
      { messageId: 'm1', userId: 'u1' },
      { messageId: 'm1', userId: 'u2' },
      { messageId: 'm2', userId: 'u1' },
    ]]);
    // Nothing new: nothing written.
    await counter.flush();
    expect(counts).toHaveLength(1);
    counter.count('m1', 'u1');
    await counter.close();
    expect(counts[1]).toEqual(new Map([['m1', 1]]));
    expect(pairs[1]).toEqual([{ messageId: 'm1', userId: 'u1' }]);
  });
});
