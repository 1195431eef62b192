import type { Message } from '../../shared/message.schema.js';
import type { AppendedEvent, Store } from '../store/store.js';

/**
 * Stores a direct message exactly as `POST /api/v1/messages` does (the
 * lifecycle's accept: message, events and push jobs in one transaction), for
 * tests and benchmarks that start below HTTP. Returns the appended events.
 */
export async function storeMessage(
  store: Store,
  message: Message,
  merchantId: string,
  userIds: readonly string[],
): Promise<AppendedEvent[]> {
  const result = await store.lifecycle.accept({
    message,
    merchantId,
    target: { userIds: [...userIds] },
    now: Date.parse(message.createdAt),
  });
  if (result.kind !== 'accepted') throw new Error(`message ${message.id} was not accepted: ${result.kind}`);
  return result.events;
}
