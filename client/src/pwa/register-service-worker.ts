import { registerSW } from 'virtual:pwa-register';

/**
 * Registers the service worker that makes the shell work offline. With
 * `registerType: 'autoUpdate'` a new version takes over and reloads open
 * pages by itself: the inbox lives in IndexedDB, so a reload loses nothing.
 */
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  registerSW({
    immediate: true,
    onRegisterError(error: unknown) {
      console.warn('tidings: service worker registration failed; the app works, but not offline', error);
    },
  });
}
