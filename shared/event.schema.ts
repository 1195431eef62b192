import { z } from 'zod';
import { LIMITS } from './limits.js';
import { messageSchema } from './message.schema.js';

/**
 * One entry of a shopper's event log. `seq` increases by one per shopper, with
 * no gaps; the cursor a client keeps is the seq of the last event it applied,
 * so `/me/sync` and `/stream` resume from exactly where it stopped.
 */
export const syncEventSchema = z.discriminatedUnion('kind', [
  z.object({ seq: z.number().int().positive(), kind: z.literal('message'), message: messageSchema }),
]);
export type SyncEvent = z.infer<typeof syncEventSchema>;

/** Opaque to clients: they store it and hand it back. Today a decimal seq. */
export const cursorSchema = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,15})$/, 'must be a cursor returned by the server');
export type Cursor = z.infer<typeof cursorSchema>;
export const INITIAL_CURSOR: Cursor = '0';

export function cursorOf(seq: number): Cursor {
  return String(seq);
}
export function seqOf(cursor: Cursor): number {
  return Number(cursor);
}

export const syncQuerySchema = z.strictObject({
  after: cursorSchema.default(INITIAL_CURSOR),
  limit: z.coerce.number().int().min(1).max(LIMITS.syncPageMax).default(LIMITS.syncPageDefault),
});

export const syncResponseSchema = z.object({
  events: z.array(syncEventSchema),
  /** Where to resume: the seq of the last event returned, or `after` if none. */
  cursor: cursorSchema,
  /** True when more events wait after `cursor`. */
  more: z.boolean(),
});
export type SyncResponse = z.infer<typeof syncResponseSchema>;
