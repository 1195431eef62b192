import { ACTION_IDS, type NotificationData } from './notification-content.js';

/** The inbox, scrolled to one message: what a click opens when the message links nowhere. */
export function inboxLinkTo(messageId: string): string {
  return `/#message=${encodeURIComponent(messageId)}`;
}

/**
 * Where a click on a notification goes, as an absolute URL: the action's url
 * for an action button, else the message's url, else the message in the
 * inbox. An action id this version does not know (a notification shown by an
 * older service worker) counts as a click on the body.
 */
export function clickTarget(data: NotificationData, action: string, origin: string): URL {
  const index = ACTION_IDS.indexOf(action as (typeof ACTION_IDS)[number]);
  const chosen = (index >= 0 ? data.actionUrls[index] : undefined) ?? data.url ?? inboxLinkTo(data.messageId);
  return new URL(chosen, origin);
}

/**
 * Same-origin targets open in the app's own window; another site (the shop's
 * order page) opens beside it, so the inbox stays where the shopper left it.
 */
export function opensInApp(target: URL, origin: string): boolean {
  return target.origin === origin;
}

/** The message id of an inbox link's fragment (`#message=<id>`), if it has one. */
export function messageIdFromFragment(hash: string): string | null {
  const id = new URLSearchParams(hash.replace(/^#/, '')).get('message');
  return id === null || id === '' ? null : id;
}
