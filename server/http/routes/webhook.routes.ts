import { Router } from 'express';
import {
  createWebhookRequestSchema,
  webhookDeliveryQuerySchema,
  type WebhookDeliveryListResponse,
  type WebhookListResponse,
} from '../../../shared/webhook.schema.js';
import type { WebhookService } from '../../webhooks/webhook.service.js';
import type { Authenticator } from '../authenticate.js';
import { validate } from '../validate.js';

/** Issue 10: a merchant key registers endpoints for its own events; the signing secret is shown once, at creation. */
export function webhookRoutes({ auth, webhooks }: { auth: Authenticator; webhooks: WebhookService }): Router {
  const router = Router();

  router.post('/webhooks', async (req, res) => {
    const merchant = await auth.merchant(req, 'manage-own-webhooks');
    const request = validate(createWebhookRequestSchema, req.body, 'webhook');
    res.status(201).json(await webhooks.create(merchant, request));
  });

  router.get('/webhooks', async (req, res) => {
    const merchant = await auth.merchant(req, 'manage-own-webhooks');
    const body: WebhookListResponse = { webhooks: await webhooks.list(merchant) };
    res.json(body);
  });

  router.delete('/webhooks/:id', async (req, res) => {
    const merchant = await auth.merchant(req, 'manage-own-webhooks');
    await webhooks.delete(merchant, req.params.id);
    res.status(204).end();
  });

  router.get('/webhooks/:id/deliveries', async (req, res) => {
    const merchant = await auth.merchant(req, 'manage-own-webhooks');
    const { limit } = validate(webhookDeliveryQuerySchema, req.query, 'deliveries query');
    const body: WebhookDeliveryListResponse = { deliveries: await webhooks.deliveries(merchant, req.params.id, limit) };
    res.json(body);
  });

  return router;
}
