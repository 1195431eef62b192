import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rabbitmqAvailable, requireService, TEST_AMQP_URL } from '../test-support/services.js';
import { AmqpConnection, type AmqpConnectionState } from './amqp-connection.js';
import { AmqpEventPublisher } from './amqp-event-publisher.js';
import { eventually } from '../test-support/eventually.js';
import { closeBrokerConnections, TestBroker, uniqueName } from './test-broker.js';

const runs = requireService('RabbitMQ event publisher', await rabbitmqAvailable());
const logger = pino({ level: 'silent' });

describe.skipIf(!runs)('the AMQP event publisher', () => {
  let broker: TestBroker;
  let connection: AmqpConnection;
  let publisher: AmqpEventPublisher;
  let exchange: string;
  let name: string;
  const states: AmqpConnectionState[] = [];

  beforeAll(async () => {
    broker = await TestBroker.open();
    exchange = uniqueName('tidings.test.events');
    name = uniqueName('tidings-test-publisher-under-test');
    // A long first backoff, so the test sees the disconnected moment before the reconnect.
    connection = new AmqpConnection({ url: TEST_AMQP_URL, logger, name, minDelayMs: 1500, maxDelayMs: 3000 });
    connection.on('state', (state) => states.push(state));
    publisher = new AmqpEventPublisher({ connection, exchange });
    await publisher.start();
    connection.start();
    await connection.connected();
  });

  afterAll(async () => {
    await publisher?.close();
    await connection?.close();
    await broker?.channel.deleteExchange(exchange).catch(() => undefined);
    await broker?.close();
  });

  /** A queue bound to the exchange for one routing pattern. */
  async function bound(pattern: string): Promise<string> {
    const queue = await broker.queue(uniqueName('tidings.test.events-in'));
    await broker.channel.bindQueue(queue, exchange, pattern);
    return queue;
  }

  it('publishes a confirmed, persistent event with the event type as routing key and the event id as message_id', async () => {
    const reads = await bound('message.read');
    const all = await bound('message.*');
    const eventId = randomUUID();
    const body = Buffer.from(JSON.stringify({ type: 'message.read', id: eventId, messageId: 'm1' }));
    await publisher.publish('message.read', eventId, body);
    await publisher.publish('message.delivered', randomUUID(), Buffer.from('{}'));

    // Confirmed means routed and stored by the broker: it is in the queue now, no waiting.
    const [read, ...otherReads] = await broker.drain(reads);
    expect(otherReads).toEqual([]);
    expect(read!.fields.routingKey).toBe('message.read');
    expect(read!.fields.exchange).toBe(exchange);
    expect(read!.properties).toMatchObject({ messageId: eventId, contentType: 'application/json', deliveryMode: 2 });
    expect(read!.content.equals(body)).toBe(true);
    expect((await broker.drain(all)).map((m) => m.fields.routingKey)).toEqual(['message.read', 'message.delivered']);
  });

  it('rejects while the broker connection is cut, and publishes again after the reconnect', async () => {
    const queue = await bound('message.failed');
    const lost = new Promise<void>((resolve) => connection.once('state', (state) => state === 'connecting' && resolve()));
    expect(await closeBrokerConnections(name)).toBe(1);
    await lost;
    await expect(publisher.publish('message.failed', randomUUID(), Buffer.from('{}'))).rejects.toThrow(/not connected/);

    await connection.connected();
    const eventId = randomUUID();
    await eventually(() => publisher.publish('message.failed', eventId, Buffer.from('{"again":true}')), 5000);
    const received = await broker.drain(queue);
    expect(received.map((m) => m.properties.messageId)).toEqual([eventId]);
    expect(states).toEqual(['connected', 'connecting', 'connected']);
  });

  it('rejects a publish the broker refuses (an exchange that does not exist) instead of resolving', async () => {
    const other = new AmqpEventPublisher({ connection, exchange });
    await other.start();
    // Delete the exchange under the publisher: the broker closes the channel with 404 and the publish must fail.
    await broker.channel.deleteExchange(exchange);
    try {
      await expect(other.publish('message.read', randomUUID(), Buffer.from('{}'))).rejects.toThrow();
    } finally {
      await other.close();
    }
  });
});
