import { z } from 'zod';

/**
 * A topic name: what a shopper joins (`promotions`, `store:acme`) and a
 * merchant broadcasts to. Lower case so `Promotions` and `promotions` can
 * never be two audiences.
 */
export const TOPIC_MAX_LENGTH = 64;
export const topicSchema = z
  .string()
  .min(1)
  .max(TOPIC_MAX_LENGTH)
  .regex(/^[a-z0-9][a-z0-9_.:-]*$/, 'must start with a-z or 0-9 and contain only lower-case letters, digits and _ . : -');

/** `GET /api/v1/me/topics`: the topics the shopper has joined, by name. */
export const topicListResponseSchema = z.object({ topics: z.array(topicSchema) });
export type TopicListResponse = z.infer<typeof topicListResponseSchema>;

/** A seller's store topic: what a seller key may broadcast to and what a shopper follows (merchant ids are UUIDs, valid in a topic name). */
export function storeTopicOf(sellerId: string): string {
  return `store:${sellerId}`;
}
