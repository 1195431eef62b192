import { z } from 'zod';
import {
  decodeBase64Url,
  pushSubscriptionResponseSchema,
  pushSubscriptionSchema,
  vapidPublicKeyResponseSchema,
  type PushSubscriptionResponse,
} from '../../../shared/push.schema.js';
import { apiRequest } from '../api/api-client.js';
import { ProtocolError } from '../api/api-error.js';

/*
 * The push routes, for the page (enable / disable) and the service worker
 * (pushsubscriptionchange) alike: nothing here needs a window.
 */

/** The server's VAPID public key as `PushManager.subscribe` takes it. */
export async function fetchApplicationServerKey(): Promise<Uint8Array<ArrayBuffer>> {
  const { publicKey } = await apiRequest('/vapid-public-key', { schema: vapidPublicKeyResponseSchema });
  // The schema has checked it decodes to 65 bytes.
  return new Uint8Array(decodeBase64Url(publicKey)!);
}

/**
 * Tells the server where to push for this shopper. Posting a subscription the
 * server already has is harmless (it is keyed by endpoint) and moves it to the
 * token's shopper, which is what a different sign-in on this device needs.
 */
export function registerSubscription(token: string, subscription: PushSubscription): Promise<PushSubscriptionResponse> {
  const body = pushSubscriptionSchema.safeParse(subscription.toJSON());
  if (!body.success) throw new ProtocolError('the browser gave a push subscription without endpoint or keys', { cause: body.error });
  return apiRequest('/me/push-subscriptions', {
    method: 'POST',
    bearer: token,
    body: body.data,
    schema: pushSubscriptionResponseSchema,
  });
}

/** The server stops pushing to this endpoint for this shopper (204, no body). */
export async function forgetSubscription(token: string, endpoint: string): Promise<void> {
  await apiRequest('/me/push-subscriptions', {
    method: 'DELETE',
    bearer: token,
    body: { endpoint },
    schema: z.unknown(),
  });
}
