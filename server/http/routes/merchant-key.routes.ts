import { Router } from 'express';
import {
  createMerchantKeyRequestSchema,
  type CreateMerchantKeyResponse,
  type MerchantKeyListResponse,
  type MerchantKeySummary,
} from '../../../shared/merchant-key.schema.js';
import { createMerchant, revokeMerchant } from '../../auth/merchant-keys.js';
import type { MerchantRecord, Store } from '../../store/store.js';
import type { Authenticator } from '../authenticate.js';
import { HttpError } from '../http-error.js';
import { validate } from '../validate.js';

function summaryOf(merchant: MerchantRecord): MerchantKeySummary {
  const { id, name, role, createdAt, revokedAt } = merchant;
  return { id, name, role, createdAt, ...(revokedAt ? { revokedAt } : {}) };
}

/** A platform manages the keys of its sellers (and its own): the key itself is shown once, at creation. */
export function merchantKeyRoutes({ auth, store }: { auth: Authenticator; store: Store }): Router {
  const router = Router();

  router.post('/merchant-keys', async (req, res) => {
    await auth.merchant(req, 'manage-keys');
    const { name, role } = validate(createMerchantKeyRequestSchema, req.body, 'merchant key');
    const { merchant, key } = await createMerchant(store, { name, role });
    const body: CreateMerchantKeyResponse = { ...summaryOf(merchant), key };
    res.status(201).json(body);
  });

  router.get('/merchant-keys', async (req, res) => {
    await auth.merchant(req, 'manage-keys');
    const body: MerchantKeyListResponse = { keys: (await store.listMerchants()).map(summaryOf) };
    res.json(body);
  });

  router.delete('/merchant-keys/:id', async (req, res) => {
    const caller = await auth.merchant(req, 'manage-keys');
    const revoked = await revokeMerchant(store, req.params.id, caller);
    if (!revoked) throw new HttpError(404, 'not-found', `No merchant key ${req.params.id}`);
    // 204 also for a key already revoked: the outcome is the same.
    res.status(204).end();
  });

  return router;
}
