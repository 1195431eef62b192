import { readSession } from '../db/meta.repository.js';
import { fetchApplicationServerKey, forgetSubscription, registerSubscription } from '../push/push-subscription.api.js';

declare const self: ServiceWorkerGlobalScope;

/**
 * The push service replaced or dropped this device's subscription (key
 * rotation, expiry). No page may be open, so the worker subscribes again
 * itself and tells the server about the new endpoint and the old one;
 * otherwise the shopper silently stops getting notifications.
 */
export async function handleSubscriptionChange(event: PushSubscriptionChangeEvent): Promise<void> {
  const session = await readSession();
  // Signed out: nobody to subscribe for; the old endpoint was forgotten at sign-out.
  if (!session) return;
  const previous = event.oldSubscription;
  try {
    const current = event.newSubscription ?? (await self.registration.pushManager.getSubscription()) ?? (await subscribeAgain(previous));
    await registerSubscription(session.token, current);
    if (previous && previous.endpoint !== current.endpoint) {
      // Best effort: a push to the dead endpoint gets 404/410 and the server drops it anyway.
      await forgetSubscription(session.token, previous.endpoint).catch(() => undefined);
    }
  } catch (error) {
    // The page re-registers the subscription on its next start (see push.service.ts).
    console.warn('tidings: could not renew the push subscription', error);
  }
}

/** With the key the old subscription used, or the server's current one when the browser kept none. */
async function subscribeAgain(previous: PushSubscription | null): Promise<PushSubscription> {
  const applicationServerKey = previous?.options.applicationServerKey ?? (await fetchApplicationServerKey());
  return self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey });
}
