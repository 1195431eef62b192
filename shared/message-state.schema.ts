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
