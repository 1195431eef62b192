import type { Message } from '../../../shared/message.schema.js';

/** The parts of a `WindowClient` the decision needs (plain data, so it is testable anywhere). */
export interface AppWindow {
  url: string;
  focused: boolean;
  visibilityState: string;
}

/**
 * Whether the shopper's preferences let this message onto the lock screen.
 * Muted categories, a minimum priority and quiet hours arrive with the
 * preferences issue; they will be read from Dexie by the caller and applied
 * here, in the service worker, as a second line behind the server's filter.
 */
export type PreferenceFilter = (message: Message, now: number) => boolean;
export const allowEverything: PreferenceFilter = () => true;

export type NotificationDecision =
  | { show: true }
  | { show: false; reason: 'expired' | 'app-in-view' | 'muted' };

/** Pages in scope that are not the inbox; a focused console does not show the shopper's messages. */
const NOT_THE_INBOX = /^\/console(\.html)?$/;

/** Whether a window at this URL is the shopper's app (any page of it but the merchant console). */
export function isInboxWindow(url: string, origin: string): boolean {
  const parsed = new URL(url);
  return parsed.origin === origin && !NOT_THE_INBOX.test(parsed.pathname);
}

/** True when a window of the app's inbox is in front of the shopper. */
export function isInboxInView(windows: readonly AppWindow[], origin: string): boolean {
  return windows.some((window) => window.focused && window.visibilityState === 'visible' && isInboxWindow(window.url, origin));
}

/**
 * Whether a pushed message becomes a notification. It is stored either way;
 * an expired one is hidden by the inbox too, and an inbox in view shows the
 * message itself (it reads the same Dexie tables), so a notification on top
 * would only say it twice.
 */
export function decideNotification(
  message: Message,
  context: { now: number; origin: string; windows: readonly AppWindow[]; allows?: PreferenceFilter },
): NotificationDecision {
  if (message.expiresAt !== undefined && Date.parse(message.expiresAt) <= context.now) {
    return { show: false, reason: 'expired' };
  }
  if (isInboxInView(context.windows, context.origin)) return { show: false, reason: 'app-in-view' };
  if (!(context.allows ?? allowEverything)(message, context.now)) return { show: false, reason: 'muted' };
  return { show: true };
}
