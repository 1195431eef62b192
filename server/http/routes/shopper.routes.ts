import { Router } from 'express';
import type { MeResponse } from '../../../shared/auth.schema.js';
import { cursorOf, seqOf, syncQuerySchema, type SyncResponse } from '../../../shared/event.schema.js';
import type { Store } from '../../store/store.js';
import type { UnavailableEventLog } from '../../store/unavailable-event-log.js';
import type { Authenticator } from '../authenticate.js';
import { HttpError } from '../http-error.js';
import { validate } from '../validate.js';

/** Routes the PWA calls with a shopper token; every query is scoped to the token's user. */
export function shopperRoutes({
  auth,
  store,
  unavailableEvents,
}: {
  auth: Authenticator;
  store: Store;
  unavailableEvents: Pick<UnavailableEventLog, 'report'>;
}): Router {
  const router = Router();

  // Who the token speaks for: a shop backend or the PWA greets the shopper without a shopper table.
  router.get('/me', (req, res) => {
    const claims = auth.shopperClaims(req);
    const body: MeResponse = { userId: claims.sub, ...(claims.name !== undefined ? { name: claims.name } : {}) };
    res.json(body);
  });

  router.get('/me/sync', async (req, res) => {
    const userId = auth.shopper(req);
    const { after, limit } = validate(syncQuerySchema, req.query, 'sync query');
    // One extra row tells whether more wait, without a second query.
    const rows = await store.readEvents(userId, seqOf(after), limit + 1);
    const events = rows.slice(0, limit);
    for (const event of events) if (event.kind === 'unavailable') unavailableEvents.report(userId, event);
    const body: SyncResponse = {
      events,
      cursor: events.length > 0 ? cursorOf(events[events.length - 1]!.seq) : after,
      more: rows.length > limit,
    };
    res.json(body);
  });

  // The service worker fetches a message here when its push arrived truncated.
  router.get('/me/messages/:id', async (req, res) => {
    const userId = auth.shopper(req);
    const message = await store.getMessageForRecipient(req.params.id, userId);
    // The same 404 whether the message does not exist or is someone else's.
    if (!message) throw new HttpError(404, 'not-found', `No message ${req.params.id}`);
    res.json(message);
  });

  return router;
}
