import { Router } from 'express';
import { shopperTokenRequestSchema, type ShopperTokenResponse } from '../../../shared/auth.schema.js';
import { sendMessageRequestSchema } from '../../../shared/message.schema.js';
import type { ShopperTokens } from '../../auth/shopper-tokens.js';
import type { MessageService } from '../../services/message.service.js';
import type { Store } from '../../store/store.js';
import type { Authenticator } from '../authenticate.js';
import { HttpError } from '../http-error.js';
import { validate } from '../validate.js';

interface MerchantRoutesDeps {
  auth: Authenticator;
  messages: MessageService;
  tokens: ShopperTokens;
  store: Store;
}

/** Routes a shop's backend calls with its merchant key. */
export function merchantRoutes({ auth, messages, tokens, store }: MerchantRoutesDeps): Router {
  const router = Router();

  router.post('/messages', async (req, res) => {
    const merchant = await auth.merchant(req);
    const request = validate(sendMessageRequestSchema, req.body, 'message');
    res.status(202).json(await messages.send(merchant, request));
  });

  router.get('/messages/:id', async (req, res) => {
    const merchant = await auth.merchant(req);
    const stored = await store.getMessage(req.params.id);
    if (!stored || stored.merchantId !== merchant.id) {
      throw new HttpError(404, 'not-found', `No message ${req.params.id}`);
    }
    const { push } = stored;
    res.json({
      ...stored.message,
      status: 'sent',
      recipients: stored.recipients,
      pushTargets: push.targets,
      pushed: push.pushed,
      pushFailed: push.failed,
      pushSkipped: push.skipped,
      pushPending: push.targets - push.pushed - push.failed - push.skipped,
    });
  });

  router.post('/shopper-tokens', async (req, res) => {
    await auth.merchant(req);
    const { userId, ttlSeconds } = validate(shopperTokenRequestSchema, req.body, 'token request');
    const body: ShopperTokenResponse = { userId, ...tokens.mint(userId, ttlSeconds) };
    res.status(201).json(body);
  });

  return router;
}
