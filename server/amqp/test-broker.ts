import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import amqp, { type ChannelModel, type ConfirmChannel, type GetMessage, type Options } from 'amqplib';
import { messagesOf, syncResponseSchema, type SyncEvent } from '../../shared/event.schema.js';
import { TEST_AMQP_URL } from '../test-support/services.js';

const run = promisify(execFile);

/** A name no other run (or other engineer's run on the same broker) uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}.${randomUUID().slice(0, 8)}`;
}

/**
 * Closes, from the broker's side, every connection whose connection_name
 * starts with `prefix` (what `rabbitmqctl close_connection` does to a real
 * deployment's connection). Resolves with how many it closed.
 */
export async function closeBrokerConnections(prefix: string): Promise<number> {
  const { stdout } = await run('rabbitmqctl', ['list_connections', '-q', '--no-table-headers', 'pid', 'client_properties']);
  const pids = stdout
    .split('\n')
    .filter((line) => line.includes(`{"connection_name","${prefix}`))
    .map((line) => line.split('\t')[0]!);
  for (const pid of pids) await run('rabbitmqctl', ['close_connection', pid, 'test: connection cut under load']);
  return pids.length;
}

/** The test's own publisher and inspector: a confirm channel on its own connection. */
export class TestBroker {
  private constructor(
    private readonly connection: ChannelModel,
    readonly channel: ConfirmChannel,
    private readonly queues: string[] = [],
  ) {}

  static async open(url = TEST_AMQP_URL): Promise<TestBroker> {
    const connection = await amqp.connect(url, { clientProperties: { connection_name: 'tidings-test-publisher' } });
    const channel = await connection.createConfirmChannel();
    return new TestBroker(connection, channel);
  }

  /** Declares (durable, like Tidings does) and remembers the queue for deletion at close. */
  async queue(name: string): Promise<string> {
    await this.channel.assertQueue(name, { durable: true });
    this.queues.push(name);
    return name;
  }

  /** Publishes and waits for the broker's confirm. */
  async publish(queue: string, body: unknown, options: Options.Publish = {}): Promise<void> {
    const content = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    this.channel.sendToQueue(queue, content, { persistent: true, contentType: 'application/json', ...options });
    await this.channel.waitForConfirms();
  }

  /** Publishes many with one wait for all confirms. */
  async publishAll(queue: string, items: { body: unknown; messageId?: string }[]): Promise<void> {
    for (const { body, messageId } of items) {
      const options: Options.Publish = { persistent: true, contentType: 'application/json', ...(messageId ? { messageId } : {}) };
      this.channel.sendToQueue(queue, Buffer.from(JSON.stringify(body)), options);
    }
    await this.channel.waitForConfirms();
  }

  /** Takes every message now in the queue (acking each). */
  async drain(queue: string): Promise<GetMessage[]> {
    const taken: GetMessage[] = [];
    for (;;) {
      const message = await this.channel.get(queue, { noAck: true });
      if (!message) return taken;
      taken.push(message);
    }
  }

  async ready(queue: string): Promise<number> {
    return (await this.channel.checkQueue(queue)).messageCount;
  }

  async close(): Promise<void> {
    for (const queue of this.queues) await this.channel.deleteQueue(queue).catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }
}

/** Every message title a shopper holds, through the real sync route, all pages. */
export async function titlesHeldBy(baseUrl: string, shopperToken: string): Promise<string[]> {
  const events: SyncEvent[] = [];
  let after: string | undefined;
  for (;;) {
    const res = await fetch(`${baseUrl}/api/v1/me/sync?limit=500${after ? `&after=${after}` : ''}`, {
      headers: { authorization: `Bearer ${shopperToken}` },
    });
    if (res.status !== 200) throw new Error(`sync answered ${res.status}: ${await res.text()}`);
    const page = syncResponseSchema.parse(await res.json());
    events.push(...page.events);
    if (!page.more) break;
    after = page.cursor;
  }
  return messagesOf(events).map((message) => message.title);
}

