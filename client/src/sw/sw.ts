// First: before any schema is built (see zod-jitless.ts; the worker's one chunk keeps this order).
import '../zod-jitless.js';
import type { PrecacheEntry } from 'workbox-precaching';
import { serveAppShell } from './app-shell.js';
import { handleNotificationClick } from './notification-click.js';
import { handlePush } from './push-handler.js';
import { handleSubscriptionChange } from './subscription-change.js';

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: Array<PrecacheEntry | string>;
};

// Only wiring here; each concern lives in its own module.

serveAppShell(self.__WB_MANIFEST);

// registerType 'autoUpdate': a new version takes over at once and the page
// reloads itself (see register-service-worker.ts); the data is in IndexedDB.
self.addEventListener('install', () => {
  void self.skipWaiting();
});
self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener('push', (event) => {
  event.waitUntil(handlePush(event));
});
self.addEventListener('notificationclick', (event) => {
  event.waitUntil(handleNotificationClick(event));
});
self.addEventListener('pushsubscriptionchange', (event) => {
  event.waitUntil(handleSubscriptionChange(event));
});
