import { Router } from 'express';
import { topicSchema, type TopicListResponse } from '../../../shared/topic.schema.js';
import type { Store } from '../../store/store.js';
import type { Authenticator } from '../authenticate.js';
import { validate } from '../validate.js';

/**
 * A shopper joins and leaves topics. Joining is idempotent and keeps the
 * original join time: a broadcast reaches those subscribed when it was sent.
 */
export function topicRoutes({ auth, store, now = Date.now }: { auth: Authenticator; store: Store; now?: () => number }): Router {
  const router = Router();

  router.get('/me/topics', async (req, res) => {
    const userId = auth.shopper(req);
    const body: TopicListResponse = { topics: await store.lifecycle.listTopics(userId) };
    res.json(body);
  });

  router.put('/me/topics/:topic', async (req, res) => {
    const userId = auth.shopper(req);
    const topic = validate(topicSchema, req.params.topic, 'topic');
    await store.lifecycle.subscribeTopic(userId, topic, now());
    res.status(204).end();
  });

  router.delete('/me/topics/:topic', async (req, res) => {
    const userId = auth.shopper(req);
    const topic = validate(topicSchema, req.params.topic, 'topic');
    await store.lifecycle.unsubscribeTopic(userId, topic);
    // 204 either way: leaving a topic one is not in leaves the same state.
    res.status(204).end();
  });

  return router;
}
