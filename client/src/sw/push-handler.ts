import { messageSchema, type Message } from '../../../shared/message.schema.js';
import { preferencesSchema } from '../../../shared/preferences.schema.js';
import { anyPushPayloadSchema, type AnyPushPayload } from '../../../shared/push.schema.js';
import { apiRequest } from '../api/api-client.js';
import { storePushedMessage } from '../db/message.repository.js';
import { handleRetraction } from './retraction.js';
import { readSession } from '../db/meta.repository.js';
import { readPreferences } from '../db/preferences.repository.js';
import { LOCALES, matchLocale } from '../i18n/locales.js';
import { APP_ICON, STATUS_BAR_BADGE, notificationContent, summaryNotificationContent } from '../notifications/notification-content.js';
import { decideNotification, isInboxInView } from '../notifications/notification-policy.js';
import { preferenceFilter } from './preference-filter.js';
import { refreshUnreadBadge } from './unread-badge.js';

declare const self: ServiceWorkerGlobalScope;

/** Tag of the notification shown for a push this version cannot read; one replaces the other. */
const UNREADABLE_TAG = 'tidings:unreadable';

/**
 * A push: store the message where the inbox reads it, update the badge, show
 * one notification unless the inbox is in front of the shopper.
 *
 * Never throws: a rejected `waitUntil` promise helps nobody, and a push that
 * shows nothing while no window is visible makes Chrome show its own generic
 * "site updated in the background" (and may cost the origin its push
 * permission). So every failure after parsing still ends in a notification.
 */
export async function handlePush(event: PushEvent): Promise<void> {
  try {
    await receive(event);
  } catch (error) {
    console.warn('tidings: a push could not be handled', error);
  }
}

async function receive(event: PushEvent): Promise<void> {
  const payload = readPayload(event.data);
  if (!payload) {
    await showUnreadable();
    return;
  }
  if (payload.kind === 'retracted') {
    await handleRetraction(payload.messageId);
    return;
  }
  const session = await readSession().catch(() => undefined);
  if (!session) {
    // Signed out on this device: the messages are nobody's here. Stop the
    // pushes instead of showing a previous shopper's message on a shared device.
    await (await self.registration.pushManager.getSubscription())?.unsubscribe().catch(() => false);
    return;
  }
  const message = payload.truncated ? await wholeMessage(payload.message, session.token) : payload.message;
  const summary = payload.kind === 'summary' ? { ...payload, message } : undefined;
  try {
    await storePushedMessage(message, new Date().toISOString());
  } catch (error) {
    // The notification still helps; the sync brings the message later.
    console.warn('tidings: could not store a pushed message', error);
  }
  await refreshUnreadBadge();

  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  // Muted, below the minimum priority, or in quiet hours: stored above, but no notification.
  // A summary after deferred quiet hours was sent because they ended: a device clock a little behind must not swallow it.
  const allows = await preferenceFilter({ quietHoursEnded: summary?.reason === 'quiet-hours' });
  const decision = decideNotification(message, { now: Date.now(), origin: self.location.origin, windows, allows });
  if (!decision.show) return;
  const { title, options } = summary ? summaryNotificationContent(summary, (await strings()).notifications) : notificationContent(message);
  await self.registration.showNotification(title, options).catch((error: unknown) => {
    console.warn('tidings: could not show a notification', error);
  });
}

/**
 * The push's JSON as the shared schema has it, or null (logged) for anything
 * else. Never throws: validation that throws (a `data` nested deep enough to
 * exhaust the stack) still ends in the "something arrived" notification.
 */
export function readPayload(data: Pick<PushMessageData, 'json'> | null): AnyPushPayload | null {
  try {
    const parsed = anyPushPayloadSchema.safeParse(data?.json());
    if (parsed.success) return parsed.data;
    console.warn('tidings: ignored a push that is not a Tidings message', parsed.error);
  } catch (error) {
    console.warn('tidings: ignored a push that could not be read', error);
  }
  return null;
}

/**
 * The message the server cut to fit the push. Offline, or with a token the
 * server no longer takes, the shortened one still makes a good notification,
 * and the sync stores the whole one later (it has a higher seq).
 */
async function wholeMessage(truncated: Message, token: string): Promise<Message> {
  try {
    return await apiRequest(`/me/messages/${encodeURIComponent(truncated.id)}`, { bearer: token, schema: messageSchema });
  } catch (error) {
    console.warn('tidings: showing a shortened message; the whole one could not be fetched', error);
    return truncated;
  }
}

/** A payload from a newer server, or garbage: say that something arrived, unless the inbox is in view. */
async function showUnreadable(): Promise<void> {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  if (isInboxInView(windows, self.location.origin)) return;
  const { notifications } = await strings();
  await self.registration
    .showNotification(notifications.unreadableTitle, {
      body: notifications.unreadableBody,
      tag: UNREADABLE_TAG,
      icon: APP_ICON,
      badge: STATUS_BAR_BADGE,
    })
    .catch(() => undefined);
}

/** The shopper's language (a synced preference, in Dexie where the worker can read it), else the browser's. */
async function strings() {
  const stored = await readPreferences().catch(() => undefined);
  const chosen = preferencesSchema.safeParse(stored?.preferences).data?.locale;
  return LOCALES[chosen ?? matchLocale(self.navigator.languages)];
}
