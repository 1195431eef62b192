import { z } from 'zod';
import { LIMITS } from './limits.js';
import { messageStateChangeSchema } from './message-state.schema.js';
import { messageSchema } from './message.schema.js';
import { preferencesSchema } from './preferences.schema.js';

/**
 * One entry of a shopper's event log. `seq` increases by one per shopper, with
 * no gaps; the cursor a client keeps is the seq of the last event it applied,
 * so `/me/sync` and `/stream` resume from exactly where it stopped.
 */
const seq = z.number().int().positive();
export const syncEventSchema = z.discriminatedUnion('kind', [
  /** A new message, or a corrected one (same id, newer seq: replaces the content, keeps local state). */
  z.object({ seq, kind: z.literal('message'), message: messageSchema }),
  /** A device changed read/archived/deleted; apply each field only if its `at` is newer. */
  z.object({ seq, kind: z.literal('state'), messageId: z.string(), state: messageStateChangeSchema }),
  /** The shopper's preferences as last saved from any device. */
  z.object({ seq, kind: z.literal('preferences'), preferences: preferencesSchema, changedAt: z.iso.datetime() }),
  /** The merchant retracted the message: remove it everywhere, tray included. */
  z.object({ seq, kind: z.literal('retracted'), messageId: z.string() }),
  /**
   * The server could not read this event back from its log (a damaged row: text that is not
   * JSON, a message gone missing). It keeps its seq, so a client moves past it instead of asking
   * for it forever; `eventKind` and `messageId` say what it was, as far as the row tells.
   */
  z.object({ seq, kind: z.literal('unavailable'), eventKind: z.string(), messageId: z.string().optional() }),
]);
export type SyncEvent = z.infer<typeof syncEventSchema>;

/** Opaque to clients: they store it and hand it back. Today a decimal seq, at most 15 digits so it stays exact as a JS number. */
export const cursorSchema = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,14})$/, 'must be a cursor returned by the server');
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

/** The messages carried by a list of events, in order (other kinds skipped). */
export function messagesOf(events: readonly SyncEvent[]) {
  return events.flatMap((event) => (event.kind === 'message' ? [event.message] : []));
}
