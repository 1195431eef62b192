import { ApiError, NetworkError } from '../api/api-error.js';
import { fetchApplicationServerKey, forgetSubscription, registerSubscription } from './push-subscription.api.js';
import { isIos, pushStateOf, type ObservedPushState } from './push-state.js';

/*
 * Web Push for this device, from the page: read the real state, turn it on
 * (on a user gesture: browsers refuse or quietly block a permission prompt
 * without one) and off. The service worker handles what arrives.
 */

function apisPresent(): { serviceWorker: boolean; pushManager: boolean; notification: boolean } {
  return {
    serviceWorker: typeof navigator !== 'undefined' && 'serviceWorker' in navigator,
    pushManager: typeof window !== 'undefined' && 'PushManager' in window,
    notification: typeof window !== 'undefined' && 'Notification' in window,
  };
}

function isStandalone(): boolean {
  // `navigator.standalone` is Safari's own flag for a Home Screen web app.
  return matchMedia('(display-mode: standalone)').matches || (navigator as { standalone?: boolean }).standalone === true;
}

/** This device's subscription, without waiting for a service worker that may never come. */
async function currentSubscription(): Promise<PushSubscription | null> {
  const registration = await navigator.serviceWorker.getRegistration();
  return (await registration?.pushManager.getSubscription()) ?? null;
}

export async function readPushState(): Promise<ObservedPushState> {
  const apis = apisPresent();
  const ready = apis.serviceWorker && apis.pushManager && apis.notification;
  return pushStateOf({
    ...apis,
    ios: isIos(navigator.userAgent, navigator.platform, navigator.maxTouchPoints),
    standalone: isStandalone(),
    permission: apis.notification ? Notification.permission : 'default',
    subscribed: ready && (await currentSubscription()) !== null,
  });
}

/** Whether the subscription was made with this VAPID key; after a key change it must be renewed. */
function usesKey(subscription: PushSubscription, key: Uint8Array): boolean {
  const current = subscription.options.applicationServerKey;
  if (!current) return false;
  const bytes = new Uint8Array(current);
  return bytes.length === key.length && bytes.every((byte, index) => byte === key[index]);
}

/** The permission prompt; call on a user gesture (browsers refuse or quietly block one without). */
export function requestPushPermission(): Promise<NotificationPermission> {
  return Notification.requestPermission();
}

/**
 * With the permission granted: subscribes with the server's VAPID key and
 * tells the server. If the server refuses, the browser subscription is
 * undone, so "on" never shows for a device the server will not push to.
 * A failure of the browser's push service rejects with a DOMException.
 */
export async function subscribePush(token: string): Promise<ObservedPushState> {
  const [registration, key] = await Promise.all([navigator.serviceWorker.ready, fetchApplicationServerKey()]);
  let subscription = await registration.pushManager.getSubscription();
  if (subscription && !usesKey(subscription, key)) {
    await subscription.unsubscribe();
    subscription = null;
  }
  subscription ??= await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  try {
    await registerSubscription(token, subscription);
  } catch (error) {
    await subscription.unsubscribe().catch(() => false);
    throw error;
  }
  return readPushState();
}

/**
 * Stops pushes to this device: the server forgets the endpoint, the browser
 * drops the subscription. Offline or with an expired token the server cannot
 * be told; the browser side still goes, and the server deletes the endpoint
 * when its push service answers 404/410.
 */
export async function turnOffPush(token: string): Promise<ObservedPushState> {
  if (!apisPresent().serviceWorker) return 'unsupported';
  const subscription = await currentSubscription();
  if (!subscription) return readPushState();
  try {
    await forgetSubscription(token, subscription.endpoint);
  } catch (error) {
    if (!(error instanceof NetworkError || error instanceof ApiError)) throw error;
    console.warn('tidings: the server was not told about turning push off; its push service will be', error);
  }
  await subscription.unsubscribe();
  return readPushState();
}

/**
 * On start and on every new sign-in: posts this device's subscription again.
 * The server may have lost it (restored backup, cap eviction), and after a
 * different shopper signs in on this device it must follow that shopper.
 */
export async function refreshPushRegistration(token: string): Promise<void> {
  if (!apisPresent().serviceWorker || !apisPresent().pushManager) return;
  try {
    const subscription = await currentSubscription();
    if (subscription && Notification.permission === 'granted') await registerSubscription(token, subscription);
  } catch (error) {
    console.warn('tidings: could not refresh the push subscription with the server', error);
  }
}
