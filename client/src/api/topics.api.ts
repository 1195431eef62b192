import { z } from 'zod';
import { topicListResponseSchema } from '../../../shared/topic.schema.js';
import { apiRequest } from './api-client.js';

/*
 * The shopper's topic routes. Joining and leaving answer 204 with no body,
 * and both are idempotent on the server, so a retried click is harmless.
 */

const noContent = z.undefined();

export async function listTopics(token: string): Promise<string[]> {
  return (await apiRequest('/me/topics', { bearer: token, schema: topicListResponseSchema })).topics;
}

export async function joinTopic(token: string, topic: string): Promise<void> {
  await apiRequest(`/me/topics/${encodeURIComponent(topic)}`, { method: 'PUT', bearer: token, schema: noContent });
}

export async function leaveTopic(token: string, topic: string): Promise<void> {
  await apiRequest(`/me/topics/${encodeURIComponent(topic)}`, { method: 'DELETE', bearer: token, schema: noContent });
}
