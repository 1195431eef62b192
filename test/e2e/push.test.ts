import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { pushPayloadSchema } from '../../shared/push.schema.js';
import type { LoopbackPushService, SyntheticSubscription } from '../../server/test-support/push-service.js';
import { messageTo, type TestServer } from '../../server/test-support/test-server.js';
import { launchChromium } from './support/browser.js';
import { startPushDevice, type PushDevice } from './support/push-device.js';

/*
 * Web Push from the merchant's POST to the notification the shopper sees.
 * Real here: the HTTP routes, the push queue, VAPID signing, the server's
 * RFC 8291 encryption (web-push, which encrypts with http_ece), the built
 * service worker and Dexie. Not real: subscribing at a real push service,
 * which headless Chromium cannot do. The shopper's device is a synthetic
 * subscription on a loopback push service that checks the VAPID JWT and
 * decrypts with its own node:crypto code (test-support/rfc8291-decrypt.ts),
 * which shares nothing with http_ece and is checked against RFC 8291's
 * published example, as is the server's encryption (push/encrypt-rfc8291.test.ts).
 * The decrypted plaintext reaches the page's service worker through the
 * DevTools protocol, as the browser would hand it over after its own
 * decryption; Chromium's decryption itself is not exercised.
 */

const SHOPPER = 'e2e-push';
/** How long to wait for the service worker to get somewhere; generous for a loaded machine, not a speed claim. */
const EVENTUALLY = { timeout: 10_000 };

let browser: Browser;
let push: LoopbackPushService;
let server: TestServer;
let context: BrowserContext;
let page: Page;
let device: SyntheticSubscription;
let pushDevice: PushDevice;

/** What `getNotifications()` shows, as plain data. */
interface ShownNotification {
  title: string;
  body: string;
  tag: string;
  icon: string;
  badge: string;
  renotify: boolean;
  requireInteraction: boolean;
  silent: boolean | null;
  actions: { action: string; title: string }[];
  data: { messageId: string; url?: string; actionUrls: string[] };
}

/** What the evaluations use of the worker's global scope (this file compiles with DOM types, not WebWorker). */
interface WorkerScope {
  registration: { getNotifications(filter?: { tag?: string }): Promise<Notification[]> };
  NotificationEvent: new (type: 'notificationclick', init: { notification: Notification; action: string }) => Event;
  dispatchEvent(event: Event): boolean;
}

interface StoredRow {
  id: string;
  seq: number;
  read: 0 | 1;
  title: string;
  body?: string;
}

beforeAll(async () => {
  browser = await launchChromium();
  pushDevice = await startPushDevice(browser, SHOPPER);
  ({ push, server, context, page } = pushDevice);
  device = pushDevice.subscription;
});

afterAll(async () => {
  await pushDevice?.close();
  await browser?.close();
});

/** The merchant sends; resolves with the decrypted plaintext the push service received for the device. */
async function sendAndReceive(overrides: Record<string, unknown>): Promise<{ id: string; plaintext: string }> {
  const before = push.receivedFor(device.json.endpoint).length;
  const res = await server.send(messageTo([SHOPPER], overrides));
  expect(res.status).toBe(202);
  const { id } = (await res.json()) as { id: string };
  await push.waitFor(() => push.receivedFor(device.json.endpoint).length > before);
  const received = push.receivedFor(device.json.endpoint).at(-1)!;
  // Accepted means the VAPID JWT verified against this service's origin and the body decrypted.
  expect(received.jwt.aud).toBe(push.origin);
  expect(pushPayloadSchema.parse(JSON.parse(received.plaintext)).message.id).toBe(id);
  return { id, plaintext: received.plaintext };
}

function shownNotifications(): Promise<ShownNotification[]> {
  return pushDevice.serviceWorker().evaluate(async () => {
    const notifications = await (self as unknown as WorkerScope).registration.getNotifications();
    return notifications.map((notification) => {
      const rich = notification as Notification & Omit<ShownNotification, 'title'>;
      return {
        title: rich.title,
        body: rich.body,
        tag: rich.tag,
        icon: rich.icon,
        badge: rich.badge,
        renotify: rich.renotify,
        requireInteraction: rich.requireInteraction,
        silent: rich.silent,
        actions: rich.actions.map(({ action, title }) => ({ action, title })),
        data: rich.data as ShownNotification['data'],
      };
    });
  });
}

/** A row of the shopper's Dexie tables, read with plain IndexedDB from the service worker's side. */
function storedRow(store: 'messages' | 'meta', key: string): Promise<StoredRow | { value: unknown } | undefined> {
  return pushDevice.serviceWorker().evaluate(
    ([store, key]) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('tidings');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const request = open.result.transaction(store, 'readonly').objectStore(store).get(key);
          request.onsuccess = () => {
            resolve(request.result);
            open.result.close();
          };
          request.onerror = () => reject(request.error);
        };
      }),
    [store, key] as const,
  ) as Promise<StoredRow | { value: unknown } | undefined>;
}

const storedMessage = (id: string) => storedRow('messages', id) as Promise<StoredRow | undefined>;
const storedCursor = async () => ((await storedRow('meta', 'cursor')) as { value: unknown } | undefined)?.value;

/**
 * A click on the notification with this tag (on a button when `action` is
 * given). Headless Chromium cannot click a real one, so the test dispatches
 * the event the browser would; being synthetic, it carries no permission to
 * focus or open windows, which is why navigating an open app window is what
 * this path shows.
 */
async function click(tag: string, action = ''): Promise<void> {
  const problem = await pushDevice.serviceWorker().evaluate(
    async ([tag, action]) => {
      const scope = self as unknown as WorkerScope;
      const [notification] = await scope.registration.getNotifications({ tag });
      if (!notification) return `no notification tagged ${tag}`;
      const event = new scope.NotificationEvent('notificationclick', { notification, action });
      let handled: Promise<unknown> = Promise.resolve();
      // The handler's waitUntil promise is what the browser would wait for.
      Object.defineProperty(event, 'waitUntil', { value: (promise: Promise<unknown>) => (handled = promise) });
      scope.dispatchEvent(event);
      await handled;
      return null;
    },
    [tag, action] as const,
  );
  expect(problem).toBeNull();
}

function card(title: string) {
  return page.getByRole('article').filter({ has: page.getByRole('heading', { name: title }) });
}

describe('Web Push in Chromium', () => {
  it('offers to turn notifications on, and reports why it could not', async () => {
    // Headless Chromium reaches no push service: the control says so instead of pretending.
    await page.getByRole('button', { name: 'Turn on notifications' }).click();
    await page.getByRole('alert').filter({ hasText: 'could not reach its push service' }).waitFor();
    await page.getByRole('button', { name: 'Turn on notifications' }).waitFor();
  });

  it('stores a push while the inbox is in front of the shopper, and the later sync changes nothing but the seq', async () => {
    // Offline, the page's own sync cannot bring the message: only the service worker can store it.
    await context.setOffline(true);
    await page.getByRole('status', { name: /Offline|Connecting/ }).waitFor();
    const cursor = await storedCursor();

    const seen = await sendAndReceive({ title: 'Seen in the app', collapseKey: 'order:7', priority: 4 });
    await pushDevice.deliver(seen.plaintext);
    await expect.poll(() => storedMessage(seen.id), EVENTUALLY).toMatchObject({ title: 'Seen in the app', seq: 0, read: 0 });
    await card('Seen in the app').waitFor();
    expect(await storedCursor()).toBe(cursor);

    // Back online the sync applies the same message from the event log, once, keeping it.
    await context.setOffline(false);
    await page.getByRole('status', { name: /Live/ }).waitFor();
    await expect.poll(async () => (await storedMessage(seen.id))?.seq ?? 0, EVENTUALLY).toBeGreaterThan(0);
    await expect(card('Seen in the app').count()).resolves.toBe(1);
    // The notification check for this push is in the next test, once a later push has been shown.
  });

  it('shows one notification per collapse key when no app window is open, and stores the messages', async () => {
    await page.goto('about:blank');

    const shipped = await sendAndReceive({
      title: 'Order #1042 shipped',
      body: 'Your parcel is on its way.',
      collapseKey: 'order:1042',
      priority: 4,
      url: '/orders/1042',
      actions: [
        { title: 'Track parcel', url: '/orders/1042/tracking' },
        { title: 'Get help', url: 'https://shop.example/help' },
      ],
    });
    await pushDevice.deliver(shipped.plaintext);
    await expect.poll(shownNotifications, EVENTUALLY).toEqual([
      {
        title: 'Order #1042 shipped',
        body: 'Your parcel is on its way.',
        tag: 'order:1042',
        icon: `${server.url}/icons/icon-192.png`,
        badge: `${server.url}/icons/badge-96.png`,
        renotify: true,
        requireInteraction: true,
        silent: false,
        actions: [
          { action: 'a0', title: 'Track parcel' },
          { action: 'a1', title: 'Get help' },
        ],
        data: { messageId: shipped.id, url: '/orders/1042', actionUrls: ['/orders/1042/tracking', 'https://shop.example/help'] },
      },
    ]);
    // The push delivered while the inbox was in view showed nothing.
    expect((await shownNotifications()).map((notification) => notification.tag)).not.toContain('order:7');

    const delivered = await sendAndReceive({
      title: 'Order #1042 delivered',
      collapseKey: 'order:1042',
      priority: 1,
      actions: [{ title: 'Track parcel', url: '/orders/1042/tracking' }],
    });
    await pushDevice.deliver(delivered.plaintext);
    await expect
      .poll(async () => (await shownNotifications()).map(({ title, tag, silent }) => ({ title, tag, silent })), EVENTUALLY)
      .toEqual([{ title: 'Order #1042 delivered', tag: 'order:1042', silent: true }]);

    // No page was open: these rows can only come from the service worker.
    await expect(storedMessage(shipped.id)).resolves.toMatchObject({ title: 'Order #1042 shipped', seq: 0, read: 0 });
    await expect(storedMessage(delivered.id)).resolves.toMatchObject({ title: 'Order #1042 delivered', seq: 0, read: 0 });
  });

  it('fetches the whole message when the push had to be shortened', async () => {
    const body = `${'All the details of your return. '.repeat(124)}The end.`;
    const long = await sendAndReceive({ title: 'Your return, in full', body, category: 'account' });
    expect(pushPayloadSchema.parse(JSON.parse(long.plaintext)).truncated).toBe(true);
    await pushDevice.deliver(long.plaintext);
    await expect.poll(async () => (await storedMessage(long.id))?.body, EVENTUALLY).toBe(body);
    const shown = async () => (await shownNotifications()).find((notification) => notification.tag === long.id);
    await expect.poll(async () => (await shown())?.body, EVENTUALLY).toBe(body);
    expect((await shown())?.data).toEqual({ messageId: long.id, actionUrls: [] });
  });

  it('opens the message in the app window on a click and marks it read', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('status', { name: /Live/ }).waitFor();
    const [returns] = (await shownNotifications()).filter((notification) => notification.title === 'Your return, in full');
    expect(returns).toBeDefined();
    expect((await storedMessage(returns!.data.messageId))?.read).toBe(0);

    // The body of a message without a link: the inbox, at that message.
    await click(returns!.tag);
    await page.waitForURL(`${server.url}/#message=${encodeURIComponent(returns!.data.messageId)}`);
    await expect.poll(async () => (await storedMessage(returns!.data.messageId))?.read, EVENTUALLY).toBe(1);
    await card('Your return, in full').waitFor();

    // An action button: its own link, in the same window.
    const [order] = (await shownNotifications()).filter((notification) => notification.tag === 'order:1042');
    await click('order:1042', 'a0');
    await page.waitForURL(`${server.url}/orders/1042/tracking`);
    await expect.poll(async () => (await storedMessage(order!.data.messageId))?.read, EVENTUALLY).toBe(1);
    await expect.poll(shownNotifications, EVENTUALLY).toEqual([]);
  });
});
