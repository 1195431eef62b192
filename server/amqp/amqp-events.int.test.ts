import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookEventSchema } from '../../shared/webhook.schema.js';
import { api } from '../test-support/api.js';
import { rabbitmqAvailable, requireService, TEST_AMQP_URL } from '../test-support/services.js';
import { messageTo, startTestServer, TEST_MERCHANT_KEY, type TestServer } from '../test-support/test-server.js';
import { AmqpConnection } from './amqp-connection.js';
import { eventually } from '../test-support/eventually.js';
import { TestBroker, uniqueName } from './test-broker.js';

const runs = requireService('RabbitMQ events out', await rabbitmqAvailable());

// The outbox feeds the shop's exchange exactly as it feeds webhooks (server/amqp/amqp-event-sink.ts).
describe.skipIf(!runs)('events out on AMQP', () => {
  let broker: TestBroker;
  let connection: AmqpConnection;
  let server: TestServer;
  let exchange: string;

  beforeAll(async () => {
    broker = await TestBroker.open();
    exchange = uniqueName('tidings.test.events');
    connection = new AmqpConnection({ url: TEST_AMQP_URL, logger: pino({ level: 'silent' }), name: uniqueName('tidings-test-events') });
    server = await startTestServer({
      amqp: { connection, queue: await broker.queue(uniqueName('tidings.test.send')), merchantKey: TEST_MERCHANT_KEY, prefetch: 8, eventsExchange: exchange },
      webhooks: { pollMs: 50 },
    });
    connection.start();
    await connection.connected();
  });

  afterAll(async () => {
    await server?.close();
    await connection?.close();
    await broker?.channel.deleteExchange(exchange).catch(() => undefined);
    await broker?.close();
  });

  it('publishes a read to the exchange with its type as routing key and the event id as message_id', async () => {
    const reads = await broker.queue(uniqueName('tidings.test.reads'));
    await broker.channel.bindQueue(reads, exchange, 'message.read');
    const sent = await server.send(messageTo(['amqp-reader'], { title: 'Your parcel left the depot' }));
    const { id } = (await sent.json()) as { id: string };
    const token = await server.tokenFor('amqp-reader');
    const marked = await api(server.url, 'POST', '/me/state', { changes: [{ messageId: id, state: { read: { value: true, at: new Date().toISOString() } } }] }, {
      credential: token,
    });
    expect(marked.status).toBe(200);

    const [published] = await eventually(async () => {
      const got = await broker.drain(reads);
      expect(got).toHaveLength(1);
      return got;
    });
    expect(published!.fields.routingKey).toBe('message.read');
    expect(published!.properties).toMatchObject({ contentType: 'application/json', deliveryMode: 2 });
    const event = webhookEventSchema.parse(JSON.parse(published!.content.toString('utf8')));
    expect(event).toMatchObject({ type: 'message.read', data: { messageId: id, userId: 'amqp-reader' } });
    expect(published!.properties.messageId).toEqual(expect.any(String));
  });
});
