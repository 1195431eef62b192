import { z } from 'zod';

/**
 * Events back to the shop (issue 10): what Tidings tells a merchant about its
 * own messages, as webhooks signed per the Standard Webhooks spec and, with
 * AMQP, on a topic exchange. One schema for the payload every sink carries.
 */
export const WEBHOOK_EVENT_TYPES = [
  'message.delivered',
  'message.read',
  'message.replied',
  'message.failed',
  'message.expired',
] as const;
export const webhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof webhookEventTypeSchema>;

/** Most endpoints a merchant key may register; more is a mistake, not a need. */
export const MAX_WEBHOOKS_PER_MERCHANT = 20;

const recipient = { messageId: z.string(), userId: z.string() };

/** The `data` of each event type. */
export const webhookEventDataSchemas = {
  /** The first device of this recipient received the message: live over the stream, or accepted by its push service. */
  'message.delivered': z.object({ ...recipient, channel: z.enum(['live', 'push']) }),
  /** The recipient marked it read (on any device; once per recipient). */
  'message.read': z.object({ ...recipient, readAt: z.iso.datetime() }),
  /** The recipient answered a user message. */
  'message.replied': z.object({
    ...recipient,
    reply: z.object({ id: z.string(), body: z.string().optional(), createdAt: z.iso.datetime() }),
  }),
  /** Every push to the recipient's devices failed for good and none had received it live. */
  'message.failed': z.object({ ...recipient, reason: z.literal('push-failed') }),
  /** The message's expiresAt passed (once per message): how many it reached and how many read it. */
  'message.expired': z.object({
    messageId: z.string(),
    expiresAt: z.iso.datetime(),
    recipients: z.number().int().nonnegative(),
    read: z.number().int().nonnegative(),
  }),
} as const satisfies Record<WebhookEventType, z.ZodType>;

const eventOf = <T extends WebhookEventType>(type: T) =>
  z.object({ type: z.literal(type), timestamp: z.iso.datetime(), data: webhookEventDataSchemas[type] });

/** The JSON body of a webhook (and of an AMQP event message). */
export const webhookEventSchema = z.discriminatedUnion('type', [
  eventOf('message.delivered'),
  eventOf('message.read'),
  eventOf('message.replied'),
  eventOf('message.failed'),
  eventOf('message.expired'),
]);
export type WebhookEvent = z.infer<typeof webhookEventSchema>;

/** Body of `POST /api/v1/webhooks`. */
export const createWebhookRequestSchema = z.strictObject({
  url: z.string().trim().min(1).max(2048),
  events: z
    .array(webhookEventTypeSchema)
    .min(1)
    .max(WEBHOOK_EVENT_TYPES.length)
    .refine((events) => new Set(events).size === events.length, 'must not name an event twice'),
});
export type CreateWebhookRequest = z.infer<typeof createWebhookRequestSchema>;

/** One endpoint as `GET /api/v1/webhooks` lists it: never its secret. */
export const webhookSummarySchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(webhookEventTypeSchema),
  createdAt: z.iso.datetime(),
  /** Set when Tidings stopped delivering to it (410 Gone, or failing for days): why, and since when. */
  disabled: z.object({ at: z.iso.datetime(), reason: z.string() }).optional(),
});
export type WebhookSummary = z.infer<typeof webhookSummarySchema>;

export const webhookListResponseSchema = z.object({ webhooks: z.array(webhookSummarySchema) });
export type WebhookListResponse = z.infer<typeof webhookListResponseSchema>;

/** `201` answer to `POST /api/v1/webhooks`: the only time the signing secret is shown. */
export const createWebhookResponseSchema = webhookSummarySchema.extend({ secret: z.string().regex(/^whsec_[A-Za-z0-9+/]+=*$/) });
export type CreateWebhookResponse = z.infer<typeof createWebhookResponseSchema>;

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

/** One event's delivery to one endpoint, as `GET /api/v1/webhooks/:id/deliveries` lists it (newest first). */
export const webhookDeliverySchema = z.object({
  /** The event id: the `webhook-id` header of every attempt. */
  eventId: z.string(),
  type: webhookEventTypeSchema,
  status: z.enum(WEBHOOK_DELIVERY_STATUSES),
  attempts: z.number().int().nonnegative(),
  createdAt: z.iso.datetime(),
  lastAttemptAt: z.iso.datetime().optional(),
  /** HTTP status of the last attempt, when the endpoint answered at all. */
  responseStatus: z.number().int().optional(),
  /** The first KiB of the last answer's body. */
  responseBody: z.string().optional(),
  lastError: z.string().optional(),
  /** When a pending delivery is tried next. */
  nextAttemptAt: z.iso.datetime().optional(),
});
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;

export const webhookDeliveryListResponseSchema = z.object({ deliveries: z.array(webhookDeliverySchema) });
export type WebhookDeliveryListResponse = z.infer<typeof webhookDeliveryListResponseSchema>;

/** `?limit=` of the deliveries list. */
export const webhookDeliveryQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
