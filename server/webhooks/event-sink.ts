import type { OutboxEvent } from './webhook-store.js';

/**
 * A second kind of target for the outbox's events, beside webhooks: e.g. the
 * AMQP publisher (issue 10, `server/amqp/`). Every event recorded while a
 * sink is registered gets a delivery row for it (`sink:<name>`), drained by
 * the same worker with the same lease, retries and at-least-once guarantee.
 *
 * Plug one in with `createApp({ eventSinks: [sink] })`, e.g.
 *   { name: 'amqp', accepts: () => true,
 *     deliver: (e) => publisher.publish(e.type, e.id, Buffer.from(e.payloadJson)) }
 */
export interface EventSink {
  /** Stable across restarts and instances: it names the delivery rows. Letters, digits, '-' and '_'. */
  readonly name: string;
  /** False: this event is not for the sink (recorded as delivered, nothing sent). */
  accepts(event: OutboxEvent): boolean;
  /** Resolves once the event is safely handed over (e.g. broker confirm); rejects to be retried with backoff. */
  deliver(event: OutboxEvent): Promise<void>;
}
