import { Router } from 'express';
import { postStateRequestSchema } from '../../../shared/message-state.schema.js';
import { putPreferencesRequestSchema } from '../../../shared/preferences.schema.js';
import type { MessageStateService } from '../../services/message-state.service.js';
import type { PreferencesService } from '../../services/preferences.service.js';
import type { Authenticator } from '../authenticate.js';
import { validate } from '../validate.js';

/** What follows the shopper from device to device: message state and notification preferences. */
export function meStateRoutes({
  auth,
  states,
  preferences,
}: {
  auth: Authenticator;
  states: MessageStateService;
  preferences: PreferencesService;
}): Router {
  const router = Router();

  // A device's outbox of read/archived/deleted changes; 200 even when some lost, with the counts.
  router.post('/me/state', async (req, res) => {
    const userId = auth.shopper(req);
    const body = validate(postStateRequestSchema, req.body, 'state changes');
    res.json(await states.apply(userId, body));
  });

  router.get('/me/preferences', async (req, res) => {
    const userId = auth.shopper(req);
    res.json(await preferences.get(userId));
  });

  router.put('/me/preferences', async (req, res) => {
    const userId = auth.shopper(req);
    const body = validate(putPreferencesRequestSchema, req.body, 'preferences');
    res.json(await preferences.save(userId, body));
  });

  return router;
}
