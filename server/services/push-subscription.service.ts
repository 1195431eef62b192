import crypto from 'node:crypto';
import { LIMITS } from '../../shared/limits.js';
import type { PushSubscriptionJson, PushSubscriptionResponse } from '../../shared/push.schema.js';
import { HttpError } from '../http/http-error.js';
import type { EndpointAllowlist } from '../push/endpoint-allowlist.js';
import type { Store } from '../store/store.js';

/** Whether bytes are a point on P-256; the shared schema can only check the shape. */
function isP256Point(p256dh: string): boolean {
  try {
    crypto.ECDH.convertKey(Buffer.from(p256dh, 'base64url'), 'prime256v1');
    return true;
  } catch {
    return false;
  }
}

export interface PushSubscriptionServiceDeps {
  store: Store;
  allowlist: EndpointAllowlist;
  maxPerShopper?: number;
  now?: () => Date;
}

/**
 * A shopper's devices for Web Push. The endpoint is where the server will
 * POST, so only configured push services are accepted; a device is known by
 * its endpoint, and past the cap the least recently updated device is evicted
 * (a shopper's new phone must work even if an old browser never unsubscribed).
 * A device moves to another shopper (someone else signs in on that browser)
 * only when the re-post carries the stored keys.
 */
export class PushSubscriptionService {
  private readonly maxPerShopper: number;
  private readonly now: () => Date;

  constructor(private readonly deps: PushSubscriptionServiceDeps) {
    this.maxPerShopper = deps.maxPerShopper ?? LIMITS.pushSubscriptionsPerShopper;
    this.now = deps.now ?? (() => new Date());
  }

  async subscribe(userId: string, subscription: PushSubscriptionJson): Promise<PushSubscriptionResponse> {
    this.checkEndpoint(subscription.endpoint);
    if (!isP256Point(subscription.keys.p256dh)) {
      throw new HttpError(400, 'validation-failed', 'Invalid push subscription: keys.p256dh: is not a point on P-256', [
        { path: 'keys.p256dh', message: 'is not a point on P-256' },
      ]);
    }
    const result = await this.deps.store.savePushSubscription(
      {
        endpoint: subscription.endpoint,
        userId,
        p256dh: subscription.keys.p256dh,
        auth: subscription.keys.auth,
        expirationTime: subscription.expirationTime ?? null,
      },
      this.now().toISOString(),
      this.maxPerShopper,
    );
    if ('conflict' in result) {
      // An endpoint alone is no proof of holding the device: it may have leaked (logs, a shared
      // browser profile). Only the browser that holds the subscription knows its keys.
      throw new HttpError(
        409,
        'push-subscription-conflict',
        'This push endpoint is registered to another shopper; re-subscribe in the browser to register it here',
      );
    }
    return { endpoint: subscription.endpoint, ...result };
  }

  async unsubscribe(userId: string, endpoint: string): Promise<void> {
    if (!(await this.deps.store.deletePushSubscription(userId, endpoint))) {
      throw new HttpError(404, 'not-found', 'No push subscription with this endpoint for this shopper');
    }
  }

  private checkEndpoint(endpoint: string): void {
    const url = new URL(endpoint);
    if (url.protocol !== 'https:' && !this.deps.allowlist.allows(endpoint)) {
      throw new HttpError(400, 'push-endpoint-not-allowed', 'Push endpoint must be an https URL of a push service');
    }
    if (!this.deps.allowlist.allows(endpoint)) {
      throw new HttpError(
        400,
        'push-endpoint-not-allowed',
        `Push endpoint ${url.origin} is not a push service this server sends to (see PUSH_ENDPOINT_ALLOWLIST)`,
      );
    }
  }
}
