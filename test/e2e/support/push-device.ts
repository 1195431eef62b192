import type { Browser, BrowserContext, CDPSession, Page, Worker } from 'playwright-core';
import { EndpointAllowlist } from '../../../server/push/endpoint-allowlist.js';
import { LoopbackPushService, type SyntheticSubscription } from '../../../server/test-support/push-service.js';
import { startTestServer, type TestServer } from '../../../server/test-support/test-server.js';
import { CLIENT_DIST } from './browser.js';

/**
 * A shopper's browser that can "receive" Web Push: the real server with a
 * loopback push service on its allowlist, the PWA open and signed in with its
 * service worker running, a DevTools session to hand push plaintext to that
 * worker, and a synthetic subscription registered through the real route
 * (headless Chromium cannot subscribe at a real push service).
 */
export interface PushDevice {
  /** The shopper signed in on this device. */
  userId: string;
  server: TestServer;
  push: LoopbackPushService;
  context: BrowserContext;
  page: Page;
  token: string;
  subscription: SyntheticSubscription;
  /** What the browser's push service would do: wake the service worker with the plaintext. */
  deliver(plaintext: string): Promise<void>;
  serviceWorker(): Worker;
  close(): Promise<void>;
}

export async function startPushDevice(browser: Browser, shopper: string): Promise<PushDevice> {
  const push = await LoopbackPushService.start();
  const server = await startTestServer({
    staticDir: CLIENT_DIST,
    push: { allowlist: EndpointAllowlist.parse(`default,${push.origin}`), pollMs: 50 },
  });
  const token = await server.tokenFor(shopper);
  const context = await browser.newContext({ permissions: ['notifications'] });
  const page = await context.newPage();
  await page.goto(`${server.url}/#token=${token}`);
  await page.getByRole('status', { name: /Live/ }).waitFor();
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });

  const cdp: CDPSession = await context.newCDPSession(page);
  const registered = new Promise<string>((resolve) => {
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const ours = registrations.find((registration) => registration.scopeURL === `${server.url}/` && !registration.isDeleted);
      if (ours) resolve(ours.registrationId);
    });
  });
  await cdp.send('ServiceWorker.enable');
  const registrationId = await registered;

  const subscription = push.subscription();
  const res = await fetch(`${server.url}/api/v1/me/push-subscriptions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(subscription.json),
  });
  if (res.status !== 201) throw new Error(`subscribing the synthetic device answered ${res.status}: ${await res.text()}`);

  return {
    userId: shopper,
    server,
    push,
    context,
    page,
    token,
    subscription,
    async deliver(plaintext) {
      await cdp.send('ServiceWorker.deliverPushMessage', { origin: server.url, registrationId, data: plaintext });
    },
    serviceWorker() {
      const worker = context.serviceWorkers().find((candidate) => candidate.url() === `${server.url}/sw.js`);
      if (!worker) throw new Error('the service worker is not running');
      return worker;
    },
    async close() {
      await context.close();
      await server.close();
      await push.close();
    },
  };
}
