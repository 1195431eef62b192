import { z } from 'zod';
import { syncEventSchema } from '../../../shared/event.schema.js';
import type { IncomingEvent } from './apply-events.js';

/** Just enough of an event to know which seq it occupies. */
const seqOnlySchema = z.object({ seq: z.number().int().positive() });

/**
 * Validates one event of the log at the boundary (stream frame or sync page).
 * An event this client cannot read (a kind added by a newer server) becomes a
 * skipped event so the cursor moves past it; without even a seq it is null,
 * which callers treat as a protocol error.
 */
export function decodeEvent(json: unknown): IncomingEvent | null {
  const event = syncEventSchema.safeParse(json);
  if (event.success) return event.data;
  const seqOnly = seqOnlySchema.safeParse(json);
  if (!seqOnly.success) return null;
  console.warn(`tidings: skipping event ${seqOnly.data.seq}, this version cannot read it`, event.error.issues);
  return { seq: seqOnly.data.seq, kind: 'skipped' };
}
