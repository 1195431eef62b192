import { createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

/**
 * Precaches the built app (the list vite-plugin-pwa injects) and answers
 * every navigation inside the app with the cached shell, so a reload while
 * offline still opens the inbox from IndexedDB. Nothing under /api/ is ever
 * cached or routed here: answers there belong to one shopper and one moment.
 */
export function serveAppShell(manifest: ReadonlyArray<PrecacheEntry | string>): void {
  precacheAndRoute([...manifest]);
  registerRoute(
    new NavigationRoute(createHandlerBoundToURL('index.html'), {
      // The console is its own page (precached as console.html); the server's
      // own endpoints and pages (the API reference under /docs/) must reach the server.
      denylist: [/^\/api\//, /^\/docs\//, /^\/console(\.html)?$/, /^\/healthz$/, /^\/metrics$/],
    }),
  );
}
