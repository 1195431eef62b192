import { Router } from 'express';
import {
  deletePushSubscriptionSchema,
  pushSubscriptionSchema,
  type VapidPublicKeyResponse,
} from '../../../shared/push.schema.js';
import type { PushSubscriptionService } from '../../services/push-subscription.service.js';
import type { Authenticator } from '../authenticate.js';
import { validate } from '../validate.js';

interface PushRoutesDeps {
  auth: Authenticator;
  subscriptions: PushSubscriptionService;
  vapidPublicKey: string;
}

/** The key browsers subscribe with, and the shopper's own push subscriptions. */
export function pushRoutes({ auth, subscriptions, vapidPublicKey }: PushRoutesDeps): Router {
  const router = Router();

  // Public: the page needs it before it has any token, and it is a public key.
  router.get('/vapid-public-key', (_req, res) => {
    const body: VapidPublicKeyResponse = { publicKey: vapidPublicKey };
    res.json(body);
  });

  router.post('/me/push-subscriptions', async (req, res) => {
    const userId = auth.shopper(req);
    const subscription = validate(pushSubscriptionSchema, req.body, 'push subscription');
    res.status(201).json(await subscriptions.subscribe(userId, subscription));
  });

  router.delete('/me/push-subscriptions', async (req, res) => {
    const userId = auth.shopper(req);
    const { endpoint } = validate(deletePushSubscriptionSchema, req.body, 'push subscription');
    await subscriptions.unsubscribe(userId, endpoint);
    res.status(204).end();
  });

  return router;
}
