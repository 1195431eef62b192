import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSchema, type TestSchema } from '../test-support/postgres-schema.js';
import { postgresAvailable, rabbitmqAvailable, requireService, TEST_AMQP_URL } from '../test-support/services.js';
import { messageTo, startTestServer, TEST_MERCHANT_KEY, type TestServer } from '../test-support/test-server.js';
import { AmqpConnection } from './amqp-connection.js';
import { deadLetterQueueOf } from './amqp-consumer.js';
import { eventually } from '../test-support/eventually.js';
import { TestBroker, titlesHeldBy, uniqueName } from './test-broker.js';

const runs =
  requireService('RabbitMQ across instances (RabbitMQ)', await rabbitmqAvailable()) &&
  requireService('RabbitMQ across instances (PostgreSQL)', await postgresAvailable());
const logger = pino({ level: 'silent' });

async function consumed(server: TestServer): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('tidings_amqp_consumed_total'));
  return line ? Number(line.split(' ').pop()) : 0;
}

/**
 * Two instances on one PostgreSQL schema consuming the same queue (competing
 * consumers, as when a shop scales Tidings out): every message is published
 * twice with the same message_id, so the two copies often land on different
 * instances at the same moment, and the shared idempotency record must make
 * it one message.
 */
describe.skipIf(!runs)('two instances consuming one queue on PostgreSQL', () => {
  let schema: TestSchema;
  let broker: TestBroker;
  let queue: string;
  const connections: AmqpConnection[] = [];
  const servers: TestServer[] = [];

  beforeAll(async () => {
    schema = await createTestSchema();
    broker = await TestBroker.open();
    queue = await broker.queue(uniqueName('tidings.test.send'));
    await broker.queue(deadLetterQueueOf(queue));
    for (const label of ['a', 'b']) {
      const connection = new AmqpConnection({ url: TEST_AMQP_URL, logger, name: uniqueName(`tidings-test-instance-${label}`) });
      connections.push(connection);
      // One after the other: both make sure the bootstrap merchant exists.
      servers.push(await startTestServer({ store: await schema.open(), amqp: { connection, queue, merchantKey: TEST_MERCHANT_KEY, prefetch: 32 } }));
      await connection.connected();
    }
  });

  afterAll(async () => {
    for (const server of servers) await server.close();
    for (const connection of connections) await connection.close();
    await broker?.close();
    await schema?.drop();
  });

  it('sends each message once though both instances took a copy', async () => {
    const shoppers = [`pa-${randomUUID().slice(0, 6)}`, `pb-${randomUUID().slice(0, 6)}`];
    const titles = Array.from({ length: 400 }, (_, i) => `p${i}`);
    const items = titles.flatMap((title, i) => {
      const item = { body: messageTo([shoppers[i % 2]!], { title }), messageId: randomUUID() };
      return [item, item];
    });
    await broker.publishAll(queue, items);

    await eventually(async () => expect((await consumed(servers[0]!)) + (await consumed(servers[1]!))).toBe(items.length), 30_000, 100);
    expect(await consumed(servers[0]!)).toBeGreaterThan(0);
    expect(await consumed(servers[1]!)).toBeGreaterThan(0);
    for (const [i, shopper] of shoppers.entries()) {
      const token = await servers[i]!.tokenFor(shopper);
      const held = await titlesHeldBy(servers[1 - i]!.url, token);
      expect([...held].sort()).toEqual(titles.filter((_, n) => n % 2 === i).sort());
    }
    expect(await broker.ready(deadLetterQueueOf(queue))).toBe(0);
  });
});
