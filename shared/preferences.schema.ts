import { z } from 'zod';
import { categorySchema, prioritySchema, userIdSchema } from './message.schema.js';

const clockTimeSchema = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'must be HH:MM, 24-hour');

/** An IANA time zone the runtime knows (e.g. "Asia/Shanghai"). */
export const timeZoneSchema = z
  .string()
  .max(64)
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone such as Europe/Paris');

/**
 * How many senders a shopper can mute. Preferences travel whole on every
 * save and in every `preferences` event, so the list is bounded: 200 ids of
 * at most 128 characters stay well inside the request body limit.
 */
export const MAX_MUTED_SENDERS = 200;

/** The languages the app ships (client/src/i18n/locales.ts has a strings object for each). */
export const LOCALE_TAGS = ['en', 'zh-CN'] as const;
export const localeSchema = z.enum(LOCALE_TAGS);
export type LocaleTag = z.infer<typeof localeSchema>;

/** `system` follows the device's light or dark setting (prefers-color-scheme). */
export const THEMES = ['light', 'dark', 'system'] as const;
export const themeSchema = z.enum(THEMES);
export type Theme = z.infer<typeof themeSchema>;

/**
 * A shopper's preferences: the same on every device. The notification ones
 * are applied by the server before it wakes a device and again by the
 * service worker; language and theme by every open app.
 */
export const preferencesSchema = z.strictObject({
  mutedCategories: z.array(categorySchema).max(50).default([]),
  /** Below this priority a message goes to the inbox without a lock-screen notification. */
  minPushPriority: prioritySchema.default(1),
  quietHours: z
    .strictObject({
      start: clockTimeSchema,
      end: clockTimeSchema,
      /** Urgent (priority 5) messages still notify during quiet hours. */
      allowUrgent: z.boolean().default(true),
      /**
       * What quiet hours do to a notification: false silences it (the message
       * is in the inbox by morning); true holds it back and shows one summary
       * when they end. Defaults so older stored preferences parse.
       */
      deferred: z.boolean().default(false),
    })
    .nullable()
    .default(null),
  timeZone: timeZoneSchema.default('UTC'),
  /**
   * Ids of senders (a seller, a person: `sender.id` of their messages) whose
   * messages never notify; they still reach the inbox. Defaults to none, so
   * preferences stored before this field existed still parse.
   */
  mutedSenders: z.array(userIdSchema).max(MAX_MUTED_SENDERS).default([]),
  /** The app's language; null follows each device's browser. Defaults so older stored preferences parse. */
  locale: localeSchema.nullable().default(null),
  theme: themeSchema.default('system'),
});
export type Preferences = z.infer<typeof preferencesSchema>;
export const DEFAULT_PREFERENCES: Preferences = preferencesSchema.parse({});

/** `PUT /api/v1/me/preferences` body: the whole preferences plus when the device changed them. */
export const putPreferencesRequestSchema = z.strictObject({
  preferences: preferencesSchema,
  changedAt: z.iso.datetime(),
});
export type PutPreferencesRequest = z.infer<typeof putPreferencesRequestSchema>;

/** When preferences were never saved: the defaults, older than any change a device can make. */
export const DEFAULT_PREFERENCES_CHANGED_AT = '1970-01-01T00:00:00.000Z';

/**
 * `GET /api/v1/me/preferences` and the `PUT` answer: what the server holds now.
 * After a PUT, `applied` is false when a later change from another device had
 * already won; the device should adopt what it got back.
 */
export const preferencesResponseSchema = z.strictObject({
  preferences: preferencesSchema,
  changedAt: z.iso.datetime(),
  applied: z.boolean().optional(),
});
export type PreferencesResponse = z.infer<typeof preferencesResponseSchema>;
