import { setMessageRead } from '../inbox/read-state.service.js';
import { clickTarget, opensInApp } from '../notifications/click-target.js';
import { notificationDataSchema } from '../notifications/notification-content.js';
import { isInboxWindow } from '../notifications/notification-policy.js';
import { refreshUnreadBadge } from './unread-badge.js';

declare const self: ServiceWorkerGlobalScope;

/**
 * A click on a notification or one of its action buttons: open where it
 * points and mark the message read. Opening comes first and runs alongside
 * the write, because browsers allow `focus()` and `openWindow()` only for a
 * short while after the click.
 */
export async function handleNotificationClick(event: NotificationEvent): Promise<void> {
  event.notification.close();
  const data = notificationDataSchema.safeParse(event.notification.data);
  if (!data.success) {
    // Not one of ours (or from an older version): the inbox is the best guess.
    await openAt(new URL('/', self.location.origin));
    return;
  }
  const target = clickTarget(data.data, event.action, self.location.origin);
  await Promise.all([openAt(target), markRead(data.data.messageId)]);
}

async function markRead(messageId: string): Promise<void> {
  try {
    await setMessageRead(messageId, true);
  } catch (error) {
    console.warn('tidings: could not mark a clicked message read', error);
  }
  await refreshUnreadBadge();
}

/**
 * An app window that is already open is reused: focused, then navigated to
 * the target (the inbox reloads from Dexie, nothing is lost). Otherwise, and
 * for another site, a new window opens.
 */
async function openAt(target: URL): Promise<void> {
  const origin = self.location.origin;
  if (opensInApp(target, origin)) {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    // Never the merchant console: the shopper's click belongs in the inbox.
    const appWindows = windows.filter((window) => isInboxWindow(window.url, origin));
    const window = appWindows.find((candidate) => candidate.focused) ?? appWindows[0];
    if (window && (await navigate(window, target))) return;
  }
  await self.clients.openWindow(target.href).catch((error: unknown) => {
    console.warn('tidings: could not open a window for a notification', error);
  });
}

/** False when the window cannot be taken there (e.g. not controlled by this worker yet). */
async function navigate(window: WindowClient, target: URL): Promise<boolean> {
  // Before navigating: the permission to focus lapses soon after the click.
  const focused = window.focus().catch(() => window);
  try {
    const navigated = await window.navigate(target.href);
    await focused;
    return navigated !== null;
  } catch {
    return false;
  }
}
