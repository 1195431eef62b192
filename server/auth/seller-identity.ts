import type { Message } from '../../shared/message.schema.js';
import type { MerchantRecord } from '../store/store.js';
import { storeTopicOf } from '../../shared/topic.schema.js';
import { requireRole } from './permissions.js';

type Sender = NonNullable<Message['sender']>;

/** Who a seller's messages come from: always the seller itself, taken from its key. */
export function sellerSender(merchant: MerchantRecord): Sender {
  return { id: merchant.id, name: merchant.name, role: 'seller' };
}

/**
 * A seller's request body as the shared schema should judge it: whatever
 * `sender` the seller wrote is dropped (it is replaced by the server's), and
 * a `user` message gets the seller as its sender so the schema's "a user
 * message needs a sender" rule is met by the server, not by the seller.
 * A platform's body is judged as sent. Non-object bodies pass through for the
 * schema to refuse.
 */
export function bodyAsSentBy(merchant: MerchantRecord, body: unknown): unknown {
  if (merchant.role !== 'seller' || typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const { sender: _ignored, ...rest } = body as Record<string, unknown>;
  return rest.type === 'user' ? { ...rest, sender: sellerSender(merchant) } : rest;
}

/**
 * Applies the seller rules to a validated message: it may send to a topic
 * only if it is its own store topic (403 otherwise), and every message
 * carries the seller as sender, whatever its type. A platform's message is
 * returned unchanged.
 */
export function asSentBy<T extends { to: { topic?: string | undefined }; sender?: Sender | undefined }>(
  merchant: MerchantRecord,
  request: T,
): T {
  if (request.to.topic !== undefined && request.to.topic !== storeTopicOf(merchant.id)) {
    requireRole(merchant, 'send-to-any-topic');
  }
  return merchant.role === 'seller' ? { ...request, sender: sellerSender(merchant) } : request;
}
