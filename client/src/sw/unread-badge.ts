import { countUnreadThreads } from '../db/inbox-query.js';
import { showUnreadBadge } from '../pwa/app-badge.js';

/**
 * Recounts unread threads from Dexie and puts the number on the app icon —
 * the same count as the inbox header (a thread counts once). The service
 * worker does it because a push or a click changes the count while no page
 * may be open to do it.
 */
export async function refreshUnreadBadge(): Promise<void> {
  try {
    await showUnreadBadge(await countUnreadThreads(Date.now()));
  } catch (error) {
    console.warn('tidings: could not update the app badge', error);
  }
}
