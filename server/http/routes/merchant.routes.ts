import { Router } from 'express';
import { shopperTokenRequestSchema, type ShopperTokenResponse } from '../../../shared/auth.schema.js';
import {
  correctMessageRequestSchema,
  type CancelMessageResponse,
  type RetractMessageResponse,
  sendMessageRequestSchema,
  type MessageStatusResponse,
} from '../../../shared/message.schema.js';
import {
  messageListQuerySchema,
  type MessageListResponse,
  type ScheduledListResponse,
} from '../../../shared/message-list.schema.js';
import { bodyAsSentBy } from '../../auth/seller-identity.js';
import type { ShopperTokens } from '../../auth/shopper-tokens.js';
import { idempotencyKeyOf } from '../../services/idempotency.js';
import type { MessageRevisionService } from '../../services/message-revision.service.js';
import type { MessageService } from '../../services/message.service.js';
import type { Store } from '../../store/store.js';
import type { Authenticator } from '../authenticate.js';
import { HttpError } from '../http-error.js';
import { decodeNewestCursor, encodeNewestCursor } from '../newest-cursor.js';
import { validate } from '../validate.js';

interface MerchantRoutesDeps {
  auth: Authenticator;
  messages: MessageService;
  revisions: MessageRevisionService;
  tokens: ShopperTokens;
  store: Store;
}

/** Routes a shop's backend (or a seller's) calls with its merchant key; each names its action in auth/permissions.ts. */
export function merchantRoutes({ auth, messages, revisions, tokens, store }: MerchantRoutesDeps): Router {
  const router = Router();

  router.post('/messages', async (req, res) => {
    const merchant = await auth.merchant(req, 'send-messages');
    const key = idempotencyKeyOf(req.get('idempotency-key'));
    const request = validate(sendMessageRequestSchema, bodyAsSentBy(merchant, req.body), 'message');
    res.status(202).json(await messages.send(merchant, request, key));
  });

  router.get('/messages', async (req, res) => {
    const merchant = await auth.merchant(req, 'read-own-messages');
    const { after, limit, status, q, order } = validate(messageListQuerySchema, req.query, 'list query');
    // One extra row tells whether another page follows.
    if (status === 'scheduled' && order === 'id') {
      // The schedule view, as it answered before the full listing existed.
      const page = await store.lifecycle.listScheduled(merchant.id, after, limit + 1, q);
      const items = page.slice(0, limit).map((item) => ({ ...item, dueAt: new Date(item.dueAt).toISOString(), status: 'scheduled' as const }));
      const body: ScheduledListResponse = { messages: items, ...(page.length > limit ? { next: items[items.length - 1]!.id } : {}) };
      res.json(body);
      return;
    }
    const page =
      order === 'newest'
        ? await store.lifecycle.listSentNewest(merchant.id, status, decodeNewestCursor(after), limit + 1, q)
        : await store.lifecycle.listSent(merchant.id, status, after, limit + 1, q);
    const items = page.slice(0, limit).map((item) => ({
      id: item.id,
      createdAt: item.message.createdAt,
      status: item.status,
      type: item.message.type,
      category: item.message.category,
      title: item.message.title,
      ...(item.target ? { to: item.target } : {}),
      recipients: item.recipients,
      deliveredLive: item.deliveredLive,
      pushTargets: item.push.targets,
      pushed: item.push.pushed,
      pushFailed: item.push.failed,
      pushSkipped: item.push.skipped,
      pushPending: item.push.targets - item.push.pushed - item.push.failed - item.push.skipped,
      read: item.read,
    }));
    const last = items[items.length - 1];
    const next = page.length > limit && last ? (order === 'newest' ? encodeNewestCursor(last) : last.id) : undefined;
    const body: MessageListResponse = { messages: items, ...(next ? { next } : {}) };
    res.json(body);
  });

  router.get('/messages/:id', async (req, res) => {
    const merchant = await auth.merchant(req, 'read-own-messages');
    const stored = await store.getMessage(req.params.id);
    const status = await store.lifecycle.getStatus(req.params.id);
    if (!stored || !status || stored.merchantId !== merchant.id) {
      throw new HttpError(404, 'not-found', `No message ${req.params.id}`);
    }
    const localTime = await store.lifecycle.localTime.status(req.params.id);
    const digest = await digestStatus(store, merchant.id, req.params.id);
    const { push } = stored;
    const body: MessageStatusResponse = {
      ...stored.message,
      status: status.status,
      ...(status.target ? { to: status.target } : {}),
      ...(status.schedule
        ? { schedule: { ...status.schedule, dueAt: new Date(status.schedule.dueAt).toISOString() } }
        : {}),
      ...(localTime ? { localTime } : {}),
      ...(digest ? { digest } : {}),
      recipients: stored.recipients,
      deliveredLive: status.deliveredLive,
      pushTargets: push.targets,
      pushed: push.pushed,
      pushFailed: push.failed,
      pushSkipped: push.skipped,
      pushPending: push.targets - push.pushed - push.failed - push.skipped,
      // null: this store does not track read state (yet).
      read: status.read ?? null,
    };
    res.json(body);
  });

  router.delete('/messages/:id', async (req, res) => {
    const merchant = await auth.merchant(req, 'revise-own-messages');
    const body: CancelMessageResponse = await messages.cancel(merchant, req.params.id);
    res.json(body);
  });

  router.post('/messages/:id/retract', async (req, res) => {
    const merchant = await auth.merchant(req, 'revise-own-messages');
    const body: RetractMessageResponse = await revisions.retract(merchant, req.params.id);
    res.json(body);
  });

  router.patch('/messages/:id', async (req, res) => {
    const merchant = await auth.merchant(req, 'revise-own-messages');
    const patch = validate(correctMessageRequestSchema, req.body, 'correction');
    res.json(await revisions.correct(merchant, req.params.id, patch));
  });

  router.post('/shopper-tokens', async (req, res) => {
    await auth.merchant(req, 'mint-shopper-tokens');
    const { userId, ttlSeconds, name } = validate(shopperTokenRequestSchema, req.body, 'token request');
    const body: ShopperTokenResponse = { userId, ...tokens.mint(userId, ttlSeconds, Date.now(), name) };
    res.status(201).json(body);
  });

  return router;
}

/** A digest as the merchant sent it (the key without the merchant prefix the store keeps) and how many were digested. */
async function digestStatus(store: Store, merchantId: string, messageId: string): Promise<MessageStatusResponse['digest']> {
  const spec = await store.lifecycle.heldPushes.digestOf(messageId);
  if (!spec) return undefined;
  return {
    key: spec.key.slice(merchantId.length + 1),
    windowSeconds: spec.windowMs / 1000,
    ...(spec.title !== null ? { title: spec.title } : {}),
    digested: await store.lifecycle.heldPushes.digested(messageId),
  };
}
