import { Router } from 'express';
import { deliveryStatsQuerySchema, type DeliveryStatsResponse } from '../../../shared/delivery-stats.schema.js';
import { deliveryStats } from '../../stats/delivery-stats.js';
import type { Store } from '../../store/store.js';
import type { Authenticator } from '../authenticate.js';
import { validate } from '../validate.js';

interface StatsRoutesDeps {
  auth: Authenticator;
  store: Store;
}

/** The merchant's delivery dashboard (issue 11): only ever its own messages. */
export function statsRoutes({ auth, store }: StatsRoutesDeps): Router {
  const router = Router();

  router.get('/stats/deliveries', async (req, res) => {
    const merchant = await auth.merchant(req, 'read-own-delivery-stats');
    const query = validate(deliveryStatsQuerySchema, req.query, 'stats query');
    const body: DeliveryStatsResponse = await deliveryStats(store.stats, merchant.id, query);
    res.json(body);
  });

  return router;
}
