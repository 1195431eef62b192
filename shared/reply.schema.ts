import { z } from 'zod';
import { LIMITS } from './limits.js';
import { messageSchema } from './message.schema.js';
import { isWellFormedText, WELL_FORMED_TEXT_MESSAGE } from './text.js';

/** Body of `POST /api/v1/me/messages/:id/replies` (shopper). */
export const replyRequestSchema = z.strictObject({
  body: z.string().trim().min(1).max(LIMITS.replyBodyLength).refine(isWellFormedText, WELL_FORMED_TEXT_MESSAGE),
});
export type ReplyRequest = z.infer<typeof replyRequestSchema>;

/** `GET /api/v1/messages/:id/replies` (merchant): keyset paged in reply-id order (stable, not chronological; each reply has createdAt). */
export const replyListResponseSchema = z.object({
  replies: z.array(z.object({ userId: z.string(), message: messageSchema })),
  /** Pass as `after` for the next page; absent on the last page. */
  next: z.string().optional(),
});
export type ReplyListResponse = z.infer<typeof replyListResponseSchema>;

export const pageQuerySchema = z.strictObject({
  after: z.string().max(LIMITS.idLength).default(''),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
