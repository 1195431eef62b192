import { z } from 'zod';
import type { PostStateRequest } from '../../../shared/message-state.schema.js';
import { preferencesSchema } from '../../../shared/preferences.schema.js';
import type { StoredPreferences } from '../db/preferences.repository.js';
import { apiRequest } from './api-client.js';

/*
 * The shopper's state and preference routes. The server answers a state
 * post with how many fields won and lost; the client needs neither (the
 * winners come back as events), only that the post was accepted.
 */

const postStateResponseSchema = z.object({ applied: z.number(), ignored: z.number() });

export function postState(token: string, body: PostStateRequest): Promise<unknown> {
  return apiRequest('/me/state', { method: 'POST', bearer: token, body, schema: postStateResponseSchema });
}

const preferencesResponseSchema = z.object({ preferences: preferencesSchema, changedAt: z.iso.datetime() });

export function getPreferences(token: string): Promise<StoredPreferences> {
  return apiRequest('/me/preferences', { bearer: token, schema: preferencesResponseSchema });
}

export function putPreferences(token: string, body: StoredPreferences): Promise<unknown> {
  return apiRequest('/me/preferences', { method: 'PUT', bearer: token, body, schema: z.unknown() });
}
