import { countUnread } from '../db/message.repository.js';
import { showUnreadBadge } from '../pwa/app-badge.js';

/**
 * Recounts unread messages from Dexie and puts the number on the app icon.
 * The service worker does it because a push or a click changes the count
 * while no page may be open to do it.
 */
export async function refreshUnreadBadge(): Promise<void> {
  try {
    await showUnreadBadge(await countUnread(Date.now()));
  } catch (error) {
    console.warn('tidings: could not update the app badge', error);
  }
}
