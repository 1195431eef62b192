import { z } from 'zod';
import { cursorSchema, type Cursor } from '../../../shared/event.schema.js';
import { LIMITS } from '../../../shared/limits.js';
import { apiRequest } from '../api/api-client.js';
import { ProtocolError } from '../api/api-error.js';
import { readCursor } from '../db/meta.repository.js';
import { applyEvents, type IncomingEvent } from './apply-events.js';
import { decodeEvent } from './incoming-event.js';

/** `syncResponseSchema`, but events are decoded one by one (see `decodeEvent`). */
const syncPageSchema = z.object({
  events: z.array(z.unknown()),
  cursor: cursorSchema,
  more: z.boolean(),
});

/**
 * Catches up over HTTP (`GET /me/sync`) from the stored cursor until the
 * server has nothing more: the fallback when the WebSocket cannot connect.
 * Each page is applied before the next is asked for, so an interruption
 * loses nothing. Resolves to the cursor reached; API errors propagate.
 */
export async function pullUntilSynced(token: string, signal?: AbortSignal): Promise<Cursor> {
  for (;;) {
    const after = await readCursor();
    const page = await apiRequest('/me/sync', {
      bearer: token,
      query: { after, limit: LIMITS.syncPageMax },
      schema: syncPageSchema,
      ...(signal ? { signal } : {}),
    });
    const events = page.events.map(decodeEvent);
    if (events.some((event) => event === null)) throw new ProtocolError('/me/sync returned an unreadable event');
    const result = await applyEvents(events as IncomingEvent[]);
    if (result.gap) throw new ProtocolError(`/me/sync skipped events after ${result.cursor}`);
    if (!page.more) return result.cursor;
    // A page that moved nothing would make this loop forever.
    if (result.cursor === after) throw new ProtocolError('/me/sync said more but sent nothing new');
  }
}
