import { Router } from 'express';
import { pageQuerySchema, replyRequestSchema, type ReplyListResponse } from '../../../shared/reply.schema.js';
import type { ReplyService } from '../../services/reply.service.js';
import type { Store } from '../../store/store.js';
import type { Authenticator } from '../authenticate.js';
import { HttpError } from '../http-error.js';
import { validate } from '../validate.js';

/** Shoppers answer user messages; merchants read the answers. */
export function replyRoutes({ auth, replies, store }: { auth: Authenticator; replies: ReplyService; store: Store }): Router {
  const router = Router();

  router.post('/me/messages/:id/replies', async (req, res) => {
    const userId = auth.shopper(req);
    const request = validate(replyRequestSchema, req.body, 'reply');
    res.status(201).json(await replies.reply(userId, req.params.id, request));
  });

  router.get('/messages/:id/replies', async (req, res) => {
    const merchant = await auth.merchant(req, 'read-own-messages');
    const { after, limit } = validate(pageQuerySchema, req.query, 'page query');
    const outcome = await store.lifecycle.listReplies(merchant.id, req.params.id, after, limit + 1);
    if (!outcome.ok) throw new HttpError(404, 'not-found', `No message ${req.params.id}`);
    const page = outcome.value.slice(0, limit);
    const body: ReplyListResponse = {
      replies: page,
      ...(outcome.value.length > limit ? { next: page[page.length - 1]!.message.id } : {}),
    };
    res.json(body);
  });

  return router;
}
