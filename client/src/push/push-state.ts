/**
 * What the notifications control shows:
 * - `on` / `off`: this device is (not) subscribed and could be switched;
 * - `blocked`: the shopper (or a policy) denied the permission; only the
 *   browser's site settings can undo that, a page may not ask again;
 * - `unsupported`: no service worker, Push API or Notification API;
 * - `ios-install`: iOS and iPadOS offer Web Push only to a web app added to
 *   the Home Screen and opened from there.
 */
export type PushState = 'on' | 'off' | 'blocked' | 'unsupported' | 'ios-install';

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

export function pushStateOf(env: PushEnvironment): PushState {
  // Checked first: in an iOS browser tab the Push API is simply missing, and
  // "unsupported" would hide the one step that makes it work.
  if (env.ios && !env.standalone) return 'ios-install';
  if (!env.serviceWorker || !env.pushManager || !env.notification) return 'unsupported';
  if (env.permission === 'denied') return 'blocked';
  return env.permission === 'granted' && env.subscribed ? 'on' : 'off';
}

/**
 * iPhone, iPod, and iPad — which reports itself as a Mac ("MacIntel") but,
 * unlike a Mac, has a touch screen.
 */
export function isIos(userAgent: string, platform: string, maxTouchPoints: number): boolean {
  return /\b(iPhone|iPad|iPod)\b/.test(userAgent) || (platform === 'MacIntel' && maxTouchPoints > 1);
}
