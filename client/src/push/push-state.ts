/**
 * What the notifications control shows, each named in plain words by it:
 * - `on` / `off`: this device is (not) subscribed and could be switched;
 * - `subscribing`: asking the permission, then the browser's push service
 *   and the server, within a time limit (push-control.ts);
 * - `blocked`: the shopper (or a policy) denied the permission; only the
 *   browser's site settings can undo that, a page may not ask again;
 * - `unsupported`: no service worker or no Notification API;
 * - `no-push-service`: notifications exist but the Push API does not — a
 *   private window, or push switched off by a privacy setting;
 * - `ios-install`: iOS and iPadOS offer Web Push only to a web app added to
 *   the Home Screen and opened from there;
 * - `timed-out`: subscribing did not finish within the limit;
 * - `failed`: subscribing failed, with the cause (push-control.ts).
 */
export type PushState =
  | 'on'
  | 'off'
  | 'subscribing'
  | 'blocked'
  | 'unsupported'
  | 'no-push-service'
  | 'ios-install'
  | 'timed-out'
  | 'failed';

/** The states `readPushState` can find by looking; the others come from an attempt to subscribe. */
export type ObservedPushState = Extract<PushState, 'on' | 'off' | 'blocked' | 'unsupported' | 'no-push-service' | 'ios-install'>;

/** The facts the state follows from, gathered by `push.service.ts` (plain data, so it is testable). */
export interface PushEnvironment {
  serviceWorker: boolean;
  pushManager: boolean;
  notification: boolean;
  ios: boolean;
  standalone: boolean;
  permission: NotificationPermission;
  subscribed: boolean;
}

export function pushStateOf(env: PushEnvironment): ObservedPushState {
  // Checked first: in an iOS browser tab the Push API is simply missing, and
  // "unsupported" would hide the one step that makes it work.
  if (env.ios && !env.standalone) return 'ios-install';
  if (!env.serviceWorker || !env.notification) return 'unsupported';
  if (env.permission === 'denied') return 'blocked';
  // Notifications but no Push API: what a private window looks like, even with the permission granted.
  if (!env.pushManager) return 'no-push-service';
  return env.permission === 'granted' && env.subscribed ? 'on' : 'off';
}

/**
 * iPhone, iPod, and iPad — which reports itself as a Mac ("MacIntel") but,
 * unlike a Mac, has a touch screen.
 */
export function isIos(userAgent: string, platform: string, maxTouchPoints: number): boolean {
  return /\b(iPhone|iPad|iPod)\b/.test(userAgent) || (platform === 'MacIntel' && maxTouchPoints > 1);
}
