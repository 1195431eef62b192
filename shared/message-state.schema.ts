import { z } from 'zod';
import { LIMITS } from './limits.js';

/** One field of a message's per-shopper state, stamped with when a device changed it. */
const stampedFlag = z.strictObject({ value: z.boolean(), at: z.iso.datetime() });

/**
 * Read, archived and deleted, each resolved on its own by the latest `at`
 * (last writer wins per field), so a read on the phone and an archive on the
 * laptop made offline both survive.
 */
export const messageStateChangeSchema = z
  .strictObject({
    read: stampedFlag.optional(),
    archived: stampedFlag.optional(),
    deleted: stampedFlag.optional(),
  })
  .refine((change) => change.read || change.archived || change.deleted, 'must change at least one field');
export type MessageStateChange = z.infer<typeof messageStateChangeSchema>;

/** `POST /api/v1/me/state`: a device's outbox, flushed in one request. */
export const postStateRequestSchema = z.strictObject({
  changes: z
    .array(z.strictObject({ messageId: z.string().min(1).max(LIMITS.idLength), state: messageStateChangeSchema }))
    .min(1)
    .max(500),
});
export type PostStateRequest = z.infer<typeof postStateRequestSchema>;

/**
 * `POST /api/v1/me/state` answer. `applied`: changes that won at least one
 * field (each became a `state` event). `ignored`: changes that won nothing —
 * older than what is stored, sent before, or for a message this shopper did
 * not receive (told apart from nothing else, so nobody learns which ids exist).
 */
export const postStateResponseSchema = z.strictObject({
  applied: z.number().int().nonnegative(),
  ignored: z.number().int().nonnegative(),
});
export type PostStateResponse = z.infer<typeof postStateResponseSchema>;
