import { isSafeImageUrl, isSafeUrl } from '../../../shared/safe-url.js';
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

/**
 * Whether a link of a message leaves the app, judged by how the browser will
 * resolve it (the WHATWG URL parser), not by how it looks: browsers drop tab,
 * CR and LF and read `\` as `/`, so "/\t/evil.example" is
 * https://evil.example/. A link that cannot be resolved counts as leaving.
 */
export function leavesApp(url: string, origin: string): boolean {
  try {
    return !opensInApp(new URL(url, origin), origin);
  } catch {
    return true;
  }
}

/**
 * Attributes of an `<a>` to a message's link: another site opens in a new tab
 * that gets neither `window.opener` (it could navigate the inbox) nor the
 * referrer; the app's own pages open in place.
 */
export function linkAttributes(url: string, origin: string): { target?: '_blank'; rel?: 'noopener noreferrer' } {
  return leavesApp(url, origin) ? { target: '_blank', rel: 'noopener noreferrer' } : {};
}

/**
 * An `<a>` for a link a message carries, or undefined when it is not one the
 * app may open. The server refuses anything but http(s) and same-origin
 * paths, yet IndexedDB is only as trustworthy as whatever wrote it last (an
 * older version, a pushed copy): a `javascript:` URL must never become a link.
 */
export function safeLinkAttributes(
  url: string | undefined,
  origin: string,
): { href: string; target?: '_blank'; rel?: 'noopener noreferrer' } | undefined {
  if (url === undefined || !isSafeUrl(url)) return undefined;
  return { href: url, ...linkAttributes(url, origin) };
}

/** A message's buttons that are safe to show as links (see safeLinkAttributes); the others are left out. */
export function safeActionLinks(
  actions: readonly { title: string; url: string }[] | undefined,
  origin: string,
): { title: string; attributes: NonNullable<ReturnType<typeof safeLinkAttributes>> }[] {
  return (actions ?? []).flatMap((action) => {
    const attributes = safeLinkAttributes(action.url, origin);
    return attributes ? [{ title: action.title, attributes }] : [];
  });
}

/**
 * An `icon` or `image` a message carries, when it is one the app may load: https or a
 * same-origin path. Messages stored before the server required https may still carry an
 * http picture; it is not loaded (it would give the shopper's address and reading away
 * to anyone on the path, and is mixed content in the app).
 */
export function safeImageSource(url: string | undefined): string | undefined {
  return url !== undefined && isSafeImageUrl(url) ? url : undefined;
}

/** The message id of an inbox link's fragment (`#message=<id>`), if it has one. */
export function messageIdFromFragment(hash: string): string | null {
  const id = new URLSearchParams(hash.replace(/^#/, '')).get('message');
  return id === null || id === '' ? null : id;
}
