import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Message } from '../../shared/message.schema.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { storeMessage } from '../test-support/store-messages.js';
import { tempDir } from '../test-support/test-server.js';
import type { EventSink } from './event-sink.js';
import { DEFAULT_WEBHOOK_RETRY } from './webhook-retry.js';
import type { AttemptResult, WebhookRequest } from './webhook-transport.js';
import { WebhookWorker } from './webhook-worker.js';

const DAY = 24 * 3600_000;
const message = (id: string): Message => ({ id, type: 'system', category: 'order', priority: 3, title: id, createdAt: new Date().toISOString() });

/** The worker driven step by step on a fake clock, over a real SQLite store. */
class Harness {
  now = Date.now();
  sent: WebhookRequest[] = [];
  answer: () => AttemptResult = () => ({ kind: 'failed', status: 500, body: '', error: 'HTTP 500' });
  readonly worker: WebhookWorker;

  constructor(
    readonly store: SqliteStore,
    sinks: EventSink[] = [],
  ) {
    this.worker = new WebhookWorker({
      store: store.webhooks,
      logger: pino({ level: 'silent' }),
      transport: { send: async (req) => (this.sent.push(req), this.answer()) },
      sinks,
      retry: DEFAULT_WEBHOOK_RETRY,
      now: () => this.now,
    });
  }

  /** One worker step (protected: it is the loop's), as the loop would run it. */
  step(): Promise<number> {
    return (this.worker as unknown as { step(): Promise<number> }).step();
  }

  async read(id: string, userId = 'u1'): Promise<void> {
    await storeMessage(this.store, message(id), 'm1', [userId]);
    await this.store.applyMessageStates(userId, [{ messageId: id, state: { read: { value: true, at: new Date(this.now).toISOString() } } }]);
    // The event was recorded at the real time: the fake clock never runs behind it.
    this.now = Math.max(this.now, Date.now() + 1);
  }
}

let store: SqliteStore;
beforeEach(async () => {
  store = SqliteStore.open(tempDir());
  await store.createMerchant({ id: 'm1', name: 'Shop', keyHash: 'h', createdAt: new Date().toISOString() });
  await store.webhooks.createWebhook({
    id: 'w1',
    merchantId: 'm1',
    url: 'https://hooks.example/w1',
    secret: 'whsec_AAAA',
    events: ['message.read'],
    createdAt: new Date().toISOString(),
  });
});
afterEach(() => store.close());

describe('webhook worker', () => {
  it('sends each attempt with the same event id, then disables an endpoint failing for five days and says why', async () => {
    const h = new Harness(store);
    await h.read('a');
    await h.step();
    expect(h.sent).toHaveLength(1);
    // Follow the schedule: each retry comes due when the clock reaches it.
    for (let day = 0; day < 6; day++) {
      h.now += DAY;
      await h.read(`day-${day}`);
      await h.step();
    }
    const [webhook] = await store.webhooks.listWebhooks('m1');
    expect(webhook!.disabled?.reason).toMatch(/^failing without a success since .+; last error: HTTP 500$/);
    expect(new Set(h.sent.filter((r) => JSON.parse(r.body).data.messageId === 'a').map((r) => r.eventId)).size).toBe(1);
    const sentBefore = h.sent.length;
    h.now += DAY;
    await h.read('after');
    await h.step();
    expect(h.sent).toHaveLength(sentBefore);
    const deliveries = await store.webhooks.listDeliveries('m1', 'w1', 100);
    expect(deliveries!.every((d) => d.status === 'failed')).toBe(true);
  });

  it('keeps an endpoint that fails now and then: one success resets the clock', async () => {
    const h = new Harness(store);
    for (let day = 0; day < 6; day++) {
      h.answer = day % 2 ? () => ({ kind: 'delivered', status: 200, body: 'ok' }) : () => ({ kind: 'failed', status: 500, body: '', error: 'HTTP 500' });
      await h.read(`day-${day}`);
      await h.step();
      h.now += DAY;
    }
    expect(h.sent.length).toBeGreaterThanOrEqual(6);
    expect((await store.webhooks.listWebhooks('m1'))[0]!.disabled).toBeUndefined();
  });

  it('drains the same events into a sink, retrying a sink that rejects', async () => {
    const published: string[] = [];
    let fail = true;
    const sink: EventSink = {
      name: 'amqp',
      accepts: (event) => event.type === 'message.read',
      deliver: async (event) => {
        if (fail) throw new Error('no broker confirm');
        published.push(event.id);
      },
    };
    await store.webhooks.registerSinks(['amqp']);
    const h = new Harness(store, [sink]);
    h.answer = () => ({ kind: 'delivered', status: 204, body: '' });
    await h.read('s1');
    await h.step();
    expect(published).toEqual([]);
    fail = false;
    h.now += 10_000;
    await h.step();
    expect(published).toHaveLength(1);
    // The webhook got the same event, under the same id.
    expect(h.sent.map((r) => r.eventId)).toEqual(published);
  });
});
