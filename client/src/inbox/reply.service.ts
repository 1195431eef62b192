import type { StoredMessage } from '../db/db.js';
import { storePushedMessage } from '../db/message.repository.js';
import { readSession } from '../db/meta.repository.js';
import { postReply } from '../api/reply.api.js';
import { markRead } from './message-state.service.js';

/**
 * The message a shopper answers in a thread: the newest person-to-person
 * message that is not one of their own replies. Timelines come oldest first.
 */
export function replyTarget(timeline: readonly StoredMessage[]): StoredMessage | undefined {
  return timeline.findLast((message) => message.type === 'user' && !message.inReplyTo);
}

/**
 * Sends the reply and stores the server's copy at once, so it shows in the
 * thread before the event comes back through sync (which then replaces it
 * idempotently, by id).
 */
export async function sendReply(target: StoredMessage, body: string): Promise<void> {
  const session = await readSession();
  if (!session) throw new Error('not signed in');
  const reply = await postReply(session.token, target.id, { body });
  await storePushedMessage(reply, new Date().toISOString());
  // One's own words are never news: read here, and on the other devices through the synced state.
  await markRead([reply.id], true);
}
