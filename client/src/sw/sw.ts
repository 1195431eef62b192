import type { PrecacheEntry } from 'workbox-precaching';
import { serveAppShell } from './app-shell.js';

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: Array<PrecacheEntry | string>;
};

// Only wiring here; each concern lives in its own module. Push handling
// (push, notificationclick, pushsubscriptionchange) is wired in the same way.

serveAppShell(self.__WB_MANIFEST);

// registerType 'autoUpdate': a new version takes over at once and the page
// reloads itself (see register-service-worker.ts); the data is in IndexedDB.
self.addEventListener('install', () => {
  void self.skipWaiting();
});
self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});
