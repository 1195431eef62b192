import { z } from 'zod';
import { LIMITS } from './limits.js';
import { categorySchema, deliveryCountsShape, MESSAGE_STATUSES, MESSAGE_TYPES } from './message.schema.js';
import { pageQuerySchema } from './reply.schema.js';

/** Longest `after`: a newest-first cursor holds a createdAt and an id of up to LIMITS.idLength. */
const MAX_CURSOR_LENGTH = 320;

/**
 * `GET /api/v1/messages` (merchant): a merchant's messages, keyset paged by id
 * (the order of the scheduled listing before it: stable, not chronological;
 * every item has createdAt). `?status=scheduled` answers exactly as it did
 * before this listing existed (the schedule, not the counts), so existing
 * consoles keep working; any other status, or none, answers the summaries.
 * `order=newest` answers summaries newest first (scheduled ones too), and
 * `next`/`after` are then an opaque cursor rather than an id.
 */
export const messageListQuerySchema = pageQuerySchema.extend({
  after: z.string().max(MAX_CURSOR_LENGTH).default(''),
  order: z.enum(['id', 'newest']).default('id'),
  status: z.enum(MESSAGE_STATUSES).optional(),
  /**
   * Only messages whose title contains this text, ignoring case; matched
   * literally (`%` and `_` are no wildcards). Trimmed; 1–100 characters.
   */
  q: z.string().trim().min(1).max(LIMITS.titleSearchLength).optional(),
});
export type MessageListQuery = z.infer<typeof messageListQuerySchema>;

const audienceSchema = z.object({ userIds: z.array(z.string()).optional(), topic: z.string().optional() });

/** One message in the listing: what it was, where it is in its lifecycle, and what became of it. */
export const messageSummarySchema = z.object({
  id: z.string(),
  createdAt: z.iso.datetime(),
  status: z.enum(MESSAGE_STATUSES),
  type: z.enum(MESSAGE_TYPES),
  category: categorySchema,
  title: z.string(),
  /** The audience as sent; absent on shoppers' replies. */
  to: audienceSchema.optional(),
  ...deliveryCountsShape,
  read: z.number().int().nonnegative(),
});
export type MessageSummary = z.infer<typeof messageSummarySchema>;

/** One waiting message as `?status=scheduled` lists it (unchanged since issue 5). */
export const scheduledSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  dueAt: z.iso.datetime(),
  cron: z.string().nullable(),
  tz: z.string().nullable(),
  occurrences: z.number().int().nonnegative(),
  target: audienceSchema,
  status: z.literal('scheduled'),
});
export type ScheduledSummary = z.infer<typeof scheduledSummarySchema>;

/** Pass `next` as `after` for the following page; absent on the last page. */
const nextSchema = z.string().optional();

export const messageListResponseSchema = z.object({ messages: z.array(messageSummarySchema), next: nextSchema });
export type MessageListResponse = z.infer<typeof messageListResponseSchema>;

export const scheduledListResponseSchema = z.object({ messages: z.array(scheduledSummarySchema), next: nextSchema });
export type ScheduledListResponse = z.infer<typeof scheduledListResponseSchema>;

/** Either answer of `GET /api/v1/messages`, as the spec describes it. */
export const anyMessageListResponseSchema = z.union([scheduledListResponseSchema, messageListResponseSchema]);
