import { afterAll, beforeAll, expect, it } from 'vitest';
import { webhookEventSchema } from '../../shared/webhook.schema.js';
import { api, until } from '../test-support/api.js';
import { messageTo, startTestServer, type TestServer } from '../test-support/test-server.js';
import type { EventSink } from './event-sink.js';
import type { OutboxEvent } from './webhook-store.js';

/** The hook the AMQP publisher plugs into: createApp({ eventSinks }) drains the same outbox into it. */
let server: TestServer;
const published: OutboxEvent[] = [];
let attempts = 0;
const sink: EventSink = {
  name: 'test-broker',
  accepts: (event) => event.type !== 'message.delivered',
  async deliver(event) {
    // The first publish is not confirmed: it must come back.
    if (++attempts === 1) throw new Error('no confirm');
    published.push(event);
  },
};

beforeAll(async () => {
  server = await startTestServer({
    eventSinks: [sink],
    webhooks: { pollMs: 20, retry: { delaysMs: [50, 50], jitter: 0, maxRetryAfterMs: 1000, disableAfterMs: 3_600_000 } },
  });
});
afterAll(() => server.close());

it('hands every event to a configured sink, without any webhook, retrying an unconfirmed publish', async () => {
  const sent = await server.send(messageTo(['sink-shopper']));
  const { id } = (await sent.json()) as { id: string };
  const at = new Date().toISOString();
  const res = await api(server.url, 'POST', '/me/state', { changes: [{ messageId: id, state: { read: { value: true, at } } }] }, {
    credential: await server.tokenFor('sink-shopper'),
  });
  expect(res.status).toBe(200);
  await until(async () => published.length, (n) => n === 1);
  const [event] = published;
  expect(event!.id).toMatch(/^evt_/);
  expect(event!.merchantId).toBeTruthy();
  expect(webhookEventSchema.parse(JSON.parse(event!.payloadJson))).toMatchObject({ type: 'message.read', data: { messageId: id, userId: 'sink-shopper', readAt: at } });
  expect(attempts).toBe(2);
});
