import { PRIORITY, type Message } from './message.schema.js';
import type { Preferences } from './preferences.schema.js';
import { isInQuietHours } from './quiet-hours.js';

export { isInQuietHours } from './quiet-hours.js';

export type SuppressReason = 'muted-category' | 'muted-sender' | 'below-min-priority' | 'quiet-hours' | 'expired';
export type NotifyDecision = { notify: true } | { notify: false; reason: SuppressReason };

/**
 * Whether a message may wake the shopper (a push from the server, a
 * notification from the service worker). Only the notification is at stake:
 * the message reaches the inbox either way.
 *
 * The same function runs on the server, before it sends a push, and in the
 * service worker, for a push that arrives anyway (sent before a preference
 * change reached the server, or by a server that could not read them).
 *
 * Rules, in this order (the first that applies is the reason):
 * 1. `expired`: an expired message never notifies; it is hidden in the inbox too.
 * 2. `muted-category`: muted means muted, urgent included. The shopper chose
 *    to silence that category outright; a shop that must reach them about
 *    something (a payment problem) should not send it as a promotion.
 * 3. `muted-sender`: the message's `sender.id` is in `mutedSenders`. Urgent
 *    included, as for a category: a seller or person the shopper muted must
 *    not get through by marking everything urgent, which is exactly what a
 *    noisy sender would do. Like a muted category, the message still reaches
 *    the inbox, shown as any other; only the alert is dropped.
 * 4. `below-min-priority`: priority under `minPushPriority`. Urgent (5) is at
 *    or above every minimum, so this never stops it.
 * 5. `quiet-hours`: inside the quiet window, on the shopper's wall clock (see
 *    quiet-hours.ts); urgent passes only when `allowUrgent` is on.
 */
export function shouldNotify(
  message: Pick<Message, 'category' | 'priority' | 'expiresAt' | 'sender'>,
  preferences: Preferences,
  now: Date,
): NotifyDecision {
  if (message.expiresAt !== undefined && Date.parse(message.expiresAt) <= now.getTime()) {
    return { notify: false, reason: 'expired' };
  }
  if (preferences.mutedCategories.includes(message.category)) return { notify: false, reason: 'muted-category' };
  if (message.sender && preferences.mutedSenders.includes(message.sender.id)) return { notify: false, reason: 'muted-sender' };
  if (message.priority < preferences.minPushPriority) return { notify: false, reason: 'below-min-priority' };
  if (isInQuietHours(preferences, now)) {
    const urgentPasses = message.priority >= PRIORITY.urgent && preferences.quietHours?.allowUrgent === true;
    if (!urgentPasses) return { notify: false, reason: 'quiet-hours' };
  }
  return { notify: true };
}
