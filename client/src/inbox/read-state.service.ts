import { markRead } from './message-state.service.js';

/**
 * Read state of one message, for callers that need nothing else (the service
 * worker's notification click): stored, queued in the outbox, sent.
 */
export async function setMessageRead(id: string, read: boolean): Promise<void> {
  await markRead([id], read);
}
