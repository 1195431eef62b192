import type { EventSink } from '../webhooks/event-sink.js';
import type { AmqpEventPublisher } from './amqp-event-publisher.js';

/**
 * The shop's RabbitMQ as a target of the event outbox: every event, of every
 * merchant, to the topic exchange with its type as routing key. The outbox
 * gives it what webhooks get: a delivery row per event, retries with backoff
 * until the broker confirms, and the same event id (`message_id`) on a retry.
 */
export function amqpEventSink(publisher: AmqpEventPublisher): EventSink {
  return {
    name: 'amqp',
    accepts: () => true,
    deliver: (event) => publisher.publish(event.type, event.id, Buffer.from(event.payloadJson)),
  };
}
