import type { Message } from '../../../shared/message.schema.js';
import { storeTopicOf, topicSchema } from '../../../shared/topic.schema.js';

/**
 * A seller's store topic, `store:<seller id>`: what a shopper follows to get
 * the store's broadcasts. Only a sender the server marked as a seller has
 * one; an id that no topic name can hold (topics are lower case) has none,
 * rather than a button that would fail.
 */
export function storeTopicOfSender(sender: Message['sender']): string | undefined {
  if (sender?.role !== 'seller') return undefined;
  const topic = storeTopicOf(sender.id);
  return topicSchema.safeParse(topic).success ? topic : undefined;
}
