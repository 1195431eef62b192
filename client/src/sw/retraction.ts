import { refreshThreadHeads, retract } from '../db/message.repository.js';
import { refreshUnreadBadge } from './unread-badge.js';

declare const self: ServiceWorkerGlobalScope;

/**
 * The merchant retracted a message: remove it from the inbox (and remember
 * it, so a late push or replayed event cannot bring it back) and close its
 * notification. Matched by the message id in the notification's data, not
 * by tag: a newer message of the same thread may own the tag by now.
 */
export async function handleRetraction(messageId: string): Promise<void> {
  try {
    const thread = await retract(messageId);
    if (thread !== undefined) await refreshThreadHeads([thread]);
  } catch (error) {
    console.warn('tidings: could not remove a retracted message', error);
  }
  const shown = await self.registration.getNotifications();
  for (const notification of shown) {
    if ((notification.data as { messageId?: unknown } | null)?.messageId === messageId) notification.close();
  }
  await refreshUnreadBadge();
}
