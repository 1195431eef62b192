import type { ChannelModel, ConfirmChannel } from 'amqplib';
import type { AmqpConnection } from './amqp-connection.js';

export interface AmqpEventPublisherOptions {
  connection: AmqpConnection;
  /** A durable topic exchange, declared on every (re)connect. */
  exchange: string;
}

/**
 * Publishes Tidings events to the shop's RabbitMQ: a durable topic exchange,
 * routing key = event type (`message.read`), persistent, `message_id` = event
 * id so consumers can deduplicate. `publish` resolves only once the broker has
 * confirmed the message and rejects otherwise (not connected, channel closed,
 * nacked), so the durable outbox that calls it retries what was not confirmed.
 */
export class AmqpEventPublisher {
  private channel: ConfirmChannel | undefined;
  private closing = false;

  constructor(private readonly options: AmqpEventPublisherOptions) {}

  /** Registers its setup with the connection (which must still be started by its owner). */
  async start(): Promise<void> {
    await this.options.connection.use((model) => this.setUp(model));
  }

  async publish(eventType: string, eventId: string, body: Buffer): Promise<void> {
    const channel = this.channel;
    if (!channel) throw new Error('AMQP broker not connected; event not published');
    await new Promise<void>((resolve, reject) => {
      try {
        channel.publish(
          this.options.exchange,
          eventType,
          body,
          { persistent: true, messageId: eventId, contentType: 'application/json', timestamp: Math.floor(Date.now() / 1000), type: eventType },
          (err) => (err ? reject(err instanceof Error ? err : new Error(`AMQP publish not confirmed: ${String(err)}`)) : resolve()),
        );
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err))); // the channel closed under us
      }
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    const channel = this.channel;
    this.channel = undefined;
    await channel?.close().catch(() => undefined);
  }

  private async setUp(model: ChannelModel): Promise<void> {
    const channel = await model.createConfirmChannel();
    channel.on('error', () => undefined); // 'close' follows.
    channel.once('close', () => {
      if (this.channel === channel) this.channel = undefined;
      // Closed by the broker under a live connection (e.g. the exchange was deleted): open a fresh channel, which re-declares it.
      const { connection } = this.options;
      if (this.closing || connection.connection !== model) return;
      setTimeout(() => {
        if (!this.closing && connection.connection === model) this.setUp(model).catch(() => connection.recycle('AMQP event channel unusable'));
      }, 1000).unref();
    });
    await channel.assertExchange(this.options.exchange, 'topic', { durable: true });
    this.channel = channel;
  }
}
