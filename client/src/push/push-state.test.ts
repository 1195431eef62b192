import { describe, expect, it } from 'vitest';
import { isIos, pushStateOf, type PushEnvironment } from './push-state.js';

const desktop: PushEnvironment = {
  serviceWorker: true,
  pushManager: true,
  notification: true,
  ios: false,
  standalone: false,
  permission: 'default',
  subscribed: false,
};

describe('pushStateOf', () => {
  it('is on only with the permission granted and a subscription', () => {
    expect(pushStateOf({ ...desktop, permission: 'granted', subscribed: true })).toBe('on');
    expect(pushStateOf({ ...desktop, permission: 'granted', subscribed: false })).toBe('off');
    expect(pushStateOf({ ...desktop, permission: 'default', subscribed: true })).toBe('off');
    expect(pushStateOf(desktop)).toBe('off');
  });

  it('is blocked when the permission was denied', () => {
    expect(pushStateOf({ ...desktop, permission: 'denied', subscribed: true })).toBe('blocked');
  });

  it('is unsupported without a service worker or notifications', () => {
    expect(pushStateOf({ ...desktop, serviceWorker: false })).toBe('unsupported');
    expect(pushStateOf({ ...desktop, notification: false })).toBe('unsupported');
    expect(pushStateOf({ ...desktop, serviceWorker: false, pushManager: false })).toBe('unsupported');
  });

  it('says there is no push service when notifications exist but the Push API does not, even with the permission (a private window)', () => {
    expect(pushStateOf({ ...desktop, pushManager: false })).toBe('no-push-service');
    expect(pushStateOf({ ...desktop, pushManager: false, permission: 'granted' })).toBe('no-push-service');
    // Blocked is the more useful thing to say: it needs the shopper's action wherever they are.
    expect(pushStateOf({ ...desktop, pushManager: false, permission: 'denied' })).toBe('blocked');
  });

  it('asks iOS users to install the app first, and works once they have', () => {
    const iosTab = { ...desktop, ios: true, pushManager: false, notification: false };
    expect(pushStateOf(iosTab)).toBe('ios-install');
    expect(pushStateOf({ ...desktop, ios: true, standalone: true })).toBe('off');
  });
});

describe('isIos', () => {
  it('recognises iPhone, and iPad posing as a Mac, but not a Mac', () => {
    expect(isIos('Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15', 'iPhone', 5)).toBe(true);
    expect(isIos('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15', 'MacIntel', 5)).toBe(true);
    expect(isIos('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15', 'MacIntel', 0)).toBe(false);
    expect(isIos('Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0', 'Linux x86_64', 0)).toBe(false);
  });
});
