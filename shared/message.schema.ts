import { z } from 'zod';
import { dataShapeProblem } from './bounded-json.js';
import { LIMITS } from './limits.js';
import { isSafeImageUrl, isSafeUrl } from './safe-url.js';
import { LOCAL_DATE_TIME_PATTERN, parseLocalDateTime } from './local-time.js';
import { isKnownTimeZone, RECIPIENT_ZONE } from './recurrence.js';
import { isWellFormedText, WELL_FORMED_TEXT_MESSAGE } from './text.js';
import { topicSchema } from './topic.schema.js';

export const MESSAGE_TYPES = ['system', 'user', 'scheduled'] as const;
export const KNOWN_CATEGORIES = [
  'order',
  'payment',
  'shipping',
  'promotion',
  'account',
  'review',
  'chat',
] as const;

/** Priority 1–5: 1 min, 2 low, 3 default, 4 high, 5 urgent. */
export const PRIORITY = { min: 1, low: 2, default: 3, high: 4, urgent: 5 } as const;

/** Ids of shoppers and senders, as the shop knows them. */
export const userIdSchema = z
  .string()
  .min(1)
  .max(LIMITS.idLength)
  .regex(/^[A-Za-z0-9_.:@+-]+$/, 'may contain only letters, digits and _ . : @ + -');

export const safeUrlSchema = z
  .string()
  .max(LIMITS.urlLength)
  .refine(isSafeUrl, 'must be an http(s) URL or a same-origin path starting with /');

/** An `icon` or `image` as a merchant sends it: fetched without a click, so https only (see isSafeImageUrl). */
export const safeImageUrlSchema = z
  .string()
  .max(LIMITS.urlLength)
  .refine(isSafeImageUrl, 'must be an https URL or a same-origin path starting with / (a picture is loaded without a click, so not http)');

export const categorySchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lower-case letters, digits, - or _')
  .max(LIMITS.categoryLength);

export const prioritySchema = z.number().int().min(PRIORITY.min).max(PRIORITY.urgent);

const actionSchema = z.strictObject({
  title: z.string().min(1).max(LIMITS.actionTitleLength),
  url: safeUrlSchema,
});

const senderSchema = z.strictObject({
  id: userIdSchema,
  name: z.string().min(1).max(LIMITS.senderNameLength),
  role: z.enum(['seller']).optional(),
});

/**
 * Free-form metadata for the merchant's own use. Its shape is bounded first,
 * with an iterative walk: `z.json()` and `JSON.stringify` recurse, and a few
 * kilobytes of nested arrays would otherwise overflow the stack (a 500 on the
 * server, a throwing parse that blocks a shopper's event log on the client).
 * The pipe stops at the first failing step, so the recursive steps only ever
 * see a value at most `LIMITS.dataDepth` deep.
 */
const boundedDataSchema = z
  .unknown()
  .superRefine((value, ctx) => {
    const problem = dataShapeProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message, input: value });
  })
  .pipe(z.record(z.string(), z.json()));

const dataSchema = boundedDataSchema.refine(
  (value) => utf8Length(JSON.stringify(value)) <= LIMITS.dataBytes,
  `must serialise to at most ${LIMITS.dataBytes} bytes of JSON`,
);

/**
 * An instant on the wire: ISO 8601 with an offset, normalised to UTC. The
 * normalised form must itself be a plain ISO instant (years 0000–9999), the
 * form the stored-message schema reads back: "9999-12-31T23:59:59-14:00" is
 * year 10000 in UTC, which every device would refuse to show.
 */
export const instantSchema = z.iso
  .datetime({ offset: true })
  .transform((value) => new Date(value).toISOString())
  .pipe(z.iso.datetime({ error: 'must fall between the years 0000 and 9999 in UTC' }));

/**
 * A recurrence: a 5-field cron expression (or 6 with seconds) in an IANA time zone (default UTC),
 * or with `tz: "recipient"` in each recipient's own zone (see local-time.ts).
 */
export const repeatSchema = z.strictObject({
  cron: z.string().trim().min(1).max(LIMITS.cronLength),
  tz: z.string().min(1).max(64).optional(),
});
export type Repeat = z.infer<typeof repeatSchema>;

/**
 * Pushes of messages with the same key to the same shopper within the window
 * (from the first of them) become one summary notification at its end; each
 * message is still stored and synced at once. `title` may hold `{count}`.
 */
export const digestSchema = z.strictObject({
  key: z
    .string()
    .min(1)
    .max(LIMITS.digestKeyLength)
    .regex(/^[A-Za-z0-9_.:@+-]+$/, 'may contain only letters, digits and _ . : @ + -'),
  windowSeconds: z.number().int().min(LIMITS.digestWindowSecondsMin).max(LIMITS.digestWindowSecondsMax),
  title: z.string().trim().min(1).max(LIMITS.digestTitleLength).refine(isWellFormedText, WELL_FORMED_TEXT_MESSAGE).optional(),
});
export type Digest = z.infer<typeof digestSchema>;

/** A wall-clock time without seconds or offset, read in each recipient's zone: "2026-06-15T09:00". */
export const localDateTimeSchema = z
  .string()
  // abort: a text of another shape gets this one message, not also "not a real date".
  .regex(LOCAL_DATE_TIME_PATTERN, { message: 'must be YYYY-MM-DDTHH:MM, a wall-clock time without seconds or offset', abort: true })
  .refine((text) => parseLocalDateTime(text) !== undefined, 'is not a real date and time');

export const knownTimeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .refine(isKnownTimeZone, 'must be an IANA time zone such as Europe/Berlin');

/** Exactly one audience: a list of shoppers, or every subscriber of a topic. */
export const recipientsSchema = z
  .strictObject({
    userIds: z.array(userIdSchema).min(1).max(LIMITS.recipientsPerRequest).optional(),
    topic: topicSchema.optional(),
  })
  .refine((to) => (to.userIds === undefined) !== (to.topic === undefined), 'give exactly one of userIds or topic');
export type Recipients = z.infer<typeof recipientsSchema>;

/** The parts of a message the merchant chooses. */
const contentShape = {
  // No default here: it depends on deliverAt/repeat, so it is resolved after parsing.
  type: z.enum(MESSAGE_TYPES).optional(),
  category: categorySchema,
  priority: prioritySchema.default(PRIORITY.default),
  title: z.string().trim().min(1).max(LIMITS.titleLength).refine(isWellFormedText, WELL_FORMED_TEXT_MESSAGE),
  body: z.string().max(LIMITS.bodyLength).refine(isWellFormedText, WELL_FORMED_TEXT_MESSAGE).optional(),
  url: safeUrlSchema.optional(),
  icon: safeImageUrlSchema.optional(),
  image: safeImageUrlSchema.optional(),
  actions: z.array(actionSchema).max(LIMITS.actions).optional(),
  data: dataSchema.optional(),
  collapseKey: z
    .string()
    .min(1)
    .max(LIMITS.collapseKeyLength)
    .regex(/^[A-Za-z0-9_.:@+-]+$/, 'may contain only letters, digits and _ . : @ + -')
    .optional(),
  // Trimmed on the way in, so no message shows a blank sender; stored ones are read as they are.
  sender: senderSchema
    .extend({ name: z.string().trim().min(1).max(LIMITS.senderNameLength).refine(isWellFormedText, WELL_FORMED_TEXT_MESSAGE) })
    .optional(),
  expiresAt: instantSchema.optional(),
};

/** Body of `POST /api/v1/messages`. Unknown fields are refused, not ignored. */
export const sendMessageRequestSchema = z
  .strictObject({
    to: recipientsSchema,
    ...contentShape,
    deliverAt: instantSchema.optional(),
    /** Delivered at this wall-clock time in each recipient's `timeZone` preference (else `fallbackTz`, else UTC). */
    deliverAtLocal: localDateTimeSchema.optional(),
    /** The zone of recipients without a time zone preference, for deliverAtLocal and repeat.tz "recipient". */
    fallbackTz: knownTimeZoneSchema.optional(),
    repeat: repeatSchema.optional(),
    digest: digestSchema.optional(),
  })
  // A message with a time is a scheduled one unless the merchant says otherwise (a scheduled user message stays `user`).
  .transform(({ type, ...rest }) => ({
    ...rest,
    type: type ?? (rest.deliverAt || rest.deliverAtLocal || rest.repeat ? ('scheduled' as const) : ('system' as const)),
  }))
  .superRefine((message, ctx) => {
    if (message.type === 'user' && !message.sender) {
      ctx.addIssue({ code: 'custom', path: ['sender'], message: 'is required for type "user"' });
    }
    if (message.type !== 'user' && message.sender) {
      ctx.addIssue({ code: 'custom', path: ['sender'], message: 'is only allowed for type "user"' });
    }
    if (message.type === 'scheduled' && !message.deliverAt && !message.deliverAtLocal && !message.repeat) {
      ctx.addIssue({ code: 'custom', path: ['type'], message: '"scheduled" needs deliverAt, deliverAtLocal or repeat' });
    }
    if (message.deliverAtLocal && message.deliverAt) {
      ctx.addIssue({ code: 'custom', path: ['deliverAtLocal'], message: 'give either deliverAt (one instant) or deliverAtLocal (each recipient\'s clock), not both' });
    }
    if (message.deliverAtLocal && message.repeat) {
      // The cron already says when, in each recipient's zone with tz "recipient"; a second time would be ambiguous.
      ctx.addIssue({ code: 'custom', path: ['deliverAtLocal'], message: 'is not allowed with repeat; use repeat.tz "recipient"' });
    }
    const onRecipientClock = message.deliverAtLocal !== undefined || message.repeat?.tz === RECIPIENT_ZONE;
    if (message.fallbackTz && !onRecipientClock) {
      ctx.addIssue({ code: 'custom', path: ['fallbackTz'], message: 'only applies with deliverAtLocal or repeat.tz "recipient"' });
    }
    if (message.expiresAt && Date.parse(message.expiresAt) <= Date.now()) {
      ctx.addIssue({ code: 'custom', path: ['expiresAt'], message: 'must be in the future' });
    }
    if (message.expiresAt && message.deliverAt && Date.parse(message.expiresAt) <= Date.parse(message.deliverAt)) {
      ctx.addIssue({ code: 'custom', path: ['expiresAt'], message: 'must be after deliverAt' });
    }
    if (message.repeat && message.digest) {
      // Each occurrence is a message of its own, out once per period: nothing to gather.
      ctx.addIssue({ code: 'custom', path: ['digest'], message: 'is not allowed with repeat' });
    }
    if (message.repeat && message.expiresAt) {
      // Each occurrence is a new message; one expiry for all of them would silently end the series.
      ctx.addIssue({ code: 'custom', path: ['expiresAt'], message: 'is not allowed with repeat' });
    }
  });
export type SendMessageRequest = z.infer<typeof sendMessageRequestSchema>;

/** A message as stored and as every client receives it. */
export const messageSchema = z.object({
  id: z.string().min(1).max(LIMITS.idLength),
  type: z.enum(MESSAGE_TYPES),
  category: categorySchema,
  priority: prioritySchema,
  title: z.string().max(LIMITS.titleLength),
  body: z.string().max(LIMITS.bodyLength).optional(),
  url: safeUrlSchema.optional(),
  // Looser than on the way in: messages stored before pictures had to be https stay readable.
  // Clients load only https ones (client/src/notifications/click-target.ts safeImageSource).
  icon: safeUrlSchema.optional(),
  image: safeUrlSchema.optional(),
  actions: z.array(actionSchema).max(LIMITS.actions).optional(),
  // Bounded like a request's data, so reading a stored or streamed message can fail but never throw.
  data: dataSchema.optional(),
  collapseKey: z.string().max(LIMITS.collapseKeyLength).optional(),
  sender: senderSchema.optional(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().optional(),
  /** Set on scheduled messages: when it was (or is to be) delivered. */
  deliverAt: z.iso.datetime().optional(),
  /** Set when the merchant corrected the message after sending it. */
  editedAt: z.iso.datetime().optional(),
  /** On a shopper's reply: the id of the user message it answers (same collapseKey, so one thread). */
  inReplyTo: z.string().max(LIMITS.idLength).optional(),
});
export type Message = z.infer<typeof messageSchema>;

/**
 * Body of `PATCH /api/v1/messages/:id`: the fields a merchant may correct
 * after sending. Audience, type and times stay as they were.
 */
export const correctMessageRequestSchema = z
  .strictObject({
    category: contentShape.category.optional(),
    priority: prioritySchema.optional(),
    title: contentShape.title.optional(),
    body: contentShape.body,
    url: contentShape.url,
    icon: contentShape.icon,
    image: contentShape.image,
    actions: contentShape.actions,
    data: contentShape.data,
  })
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), 'change at least one field');
export type CorrectMessageRequest = z.infer<typeof correctMessageRequestSchema>;

export const sendMessageResponseSchema = z.object({
  id: z.string(),
  status: z.enum(['queued', 'scheduled']),
  recipients: z.number().int().nonnegative(),
});
export type SendMessageResponse = z.infer<typeof sendMessageResponseSchema>;

const encoder = new TextEncoder();
export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

/** Lifecycle of a message as `GET /api/v1/messages/:id` reports it. */
export const MESSAGE_STATUSES = ['queued', 'scheduled', 'sending', 'sent', 'cancelled', 'expired', 'retracted', 'reply'] as const;

/** What became of a message, as the status and the message list report it. */
export const deliveryCountsShape = {
  recipients: z.number().int().nonnegative(),
  /** Message events written to open streams (replays included; one per device). */
  deliveredLive: z.number().int().nonnegative(),
  pushTargets: z.number().int().nonnegative(),
  pushed: z.number().int().nonnegative(),
  pushFailed: z.number().int().nonnegative(),
  pushSkipped: z.number().int().nonnegative(),
  pushPending: z.number().int(),
};

const count = z.number().int().nonnegative();
const zoneInstantSchema = z.object({ zone: z.string(), at: z.iso.datetime() });

/**
 * A message sent at each recipient's local time: per-recipient counts and the
 * planned zones, each with the UTC instant of its local time (the first and
 * last of them for a preview). `late`: recipients whose local time had passed
 * when it was accepted, so it went at once.
 */
export const localTimeStatusSchema = z.object({
  /** What was asked for: a wall-clock time, or a cron (repeat.tz "recipient"), and the zone of those without one. */
  deliverAtLocal: z.string().nullable(),
  cron: z.string().nullable(),
  fallbackTz: z.string(),
  scheduled: count,
  sent: count,
  late: count,
  first: zoneInstantSchema,
  last: zoneInstantSchema,
  zones: z.array(zoneInstantSchema.extend({ recipients: count, scheduled: count, sent: count, late: count })),
});
export type LocalTimeStatus = z.infer<typeof localTimeStatusSchema>;

/** `GET /api/v1/messages/:id` (merchant): the message, where it is in its lifecycle, and what became of it. */
export const messageStatusResponseSchema = messageSchema.extend({
  status: z.enum(MESSAGE_STATUSES),
  to: z.object({ userIds: z.array(z.string()).optional(), topic: z.string().optional() }).optional(),
  schedule: z
    .object({ dueAt: z.iso.datetime(), cron: z.string().nullable(), tz: z.string().nullable(), occurrences: z.number().int() })
    .optional(),
  /** Set on a message sent with deliverAtLocal or repeat.tz "recipient". */
  localTime: localTimeStatusSchema.optional(),
  /** Set on a message sent with a digest: what was asked, and how many recipients' pushes went into a summary. */
  digest: digestSchema.extend({ digested: count }).optional(),
  ...deliveryCountsShape,
  /** Recipients who marked it read (on any device); null when the store does not track read state. */
  read: z.number().int().nonnegative().nullable(),
});
export type MessageStatusResponse = z.infer<typeof messageStatusResponseSchema>;

/** `DELETE /api/v1/messages/:id` (merchant): the message is cancelled (again: the same answer). */
export const cancelMessageResponseSchema = z.object({
  id: z.string(),
  status: z.literal('cancelled'),
});
export type CancelMessageResponse = z.infer<typeof cancelMessageResponseSchema>;

/** `POST /api/v1/messages/:id/retract` (merchant): how many shoppers' logs got the retraction. */
export const retractMessageResponseSchema = z.object({
  id: z.string(),
  status: z.literal('retracted'),
  recipients: z.number().int().nonnegative(),
});
export type RetractMessageResponse = z.infer<typeof retractMessageResponseSchema>;
