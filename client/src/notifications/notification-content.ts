import { z } from 'zod';
import type { Message } from '../../../shared/message.schema.js';
import type { SummaryPushPayload } from '../../../shared/push.schema.js';
import { PRIORITY } from '../../../shared/message.schema.js';
import { isSafeImageUrl } from '../../../shared/safe-url.js';

/** Shown when a message has no icon of its own: the installed app's icon. */
export const APP_ICON = '/icons/icon-192.png';
/** Android's status bar draws only the alpha channel: a white bell on transparent. */
export const STATUS_BAR_BADGE = '/icons/badge-96.png';

/** Action ids are positions, not urls: the urls stay in `data`, out of the platform's hands. */
export const ACTION_IDS = ['a0', 'a1'] as const;

/**
 * What a notification carries for its click. Validated when read back, because
 * a notification may outlive the service worker version that showed it.
 */
export const notificationDataSchema = z.object({
  messageId: z.string().min(1),
  url: z.string().optional(),
  actionUrls: z.array(z.string()).max(ACTION_IDS.length),
});
export type NotificationData = z.infer<typeof notificationDataSchema>;

/**
 * The options Chromium and Firefox honour beyond what TypeScript's lib
 * declares (the lib keeps only what every engine implements).
 */
export interface RichNotificationOptions extends NotificationOptions {
  actions?: { action: string; title: string }[];
  image?: string;
  renotify?: boolean;
  timestamp?: number;
  data: NotificationData;
}

export interface NotificationContent {
  title: string;
  options: RichNotificationOptions;
}

/**
 * The one notification a message shows. The tag is the collapse key (or the
 * id), so an update of "order:1042" replaces the earlier one in the tray
 * instead of stacking. High and urgent messages alert again on replacement
 * (`renotify`, otherwise a replacement is silent) and stay until the shopper
 * acts; minor ones make no sound or vibration.
 */
export function notificationContent(message: Message): NotificationContent {
  const important = message.priority >= PRIORITY.high;
  const actions = (message.actions ?? []).slice(0, ACTION_IDS.length);
  const options: RichNotificationOptions = {
    tag: message.collapseKey ?? message.id,
    body: message.body ?? '',
    // An http picture of a message stored before pictures had to be https is not fetched.
    icon: message.icon !== undefined && isSafeImageUrl(message.icon) ? message.icon : APP_ICON,
    badge: STATUS_BAR_BADGE,
    renotify: important,
    requireInteraction: important,
    silent: message.priority <= PRIORITY.min,
    // When it happened, not when the push arrived (a device may have been off for hours).
    timestamp: Date.parse(message.createdAt),
    actions: actions.map((action, index) => ({ action: ACTION_IDS[index]!, title: action.title })),
    data: {
      messageId: message.id,
      ...(message.url !== undefined ? { url: message.url } : {}),
      actionUrls: actions.map((action) => action.url),
    },
  };
  if (message.image !== undefined && isSafeImageUrl(message.image)) options.image = message.image;
  return { title: message.title, options };
}

/** The words a summary needs, from the shopper's language (i18n `notifications`). */
export interface SummaryStrings {
  digestTitle: (count: number) => string;
  quietHoursTitle: (count: number) => string;
  summaryLatest: (title: string) => string;
}

/**
 * The one notification for several held-back pushes: the shop's digest title
 * or a localised count as its title, the newest message as its body and
 * click target. One tag per reason, so a later summary replaces an earlier
 * one in the tray rather than stacking.
 */
export function summaryNotificationContent(summary: Pick<SummaryPushPayload, 'reason' | 'count' | 'title' | 'message'>, strings: SummaryStrings): NotificationContent {
  const { title, options } = notificationContent(summary.message);
  const counted = summary.reason === 'digest' ? strings.digestTitle(summary.count) : strings.quietHoursTitle(summary.count);
  return {
    title: summary.title ?? counted,
    options: { ...options, tag: `tidings:summary:${summary.reason}`, body: strings.summaryLatest(title), renotify: true, actions: [], data: { ...options.data, actionUrls: [] } },
  };
}
