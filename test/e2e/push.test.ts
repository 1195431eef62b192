import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { PushDevice } from './support/push-device.js';
import {
  click,
  EVENTUALLY,
  sendAndReceive,
  shownNotifications,
  storedMessage,
  storedRow,
  pushDevicesPerTest,
} from './support/service-worker.js';

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

/*
 * Each test opens its own device (server, push service, browser context) for
 * a shopper of its own, so the tests run in any order.
 */

const openDevice = pushDevicesPerTest();

async function newDevice(): Promise<PushDevice> {
  const device = await openDevice('e2e-push');
  return device;
}

const storedCursor = async (device: PushDevice) => (await storedRow(device, 'meta', 'cursor'))?.value;

function card(page: Page, title: string) {
  return page.getByRole('article').filter({ has: page.getByRole('heading', { name: title }) });
}

describe('Web Push in Chromium', () => {
  it('offers to turn notifications on, and reports why it could not', async () => {
    const { page } = await newDevice();
    // Headless Chromium reaches no push service: the control says so instead of pretending.
    await page.getByRole('button', { name: 'Turn on notifications' }).click();
    await page.getByRole('dialog').filter({ hasText: 'could not reach its push service' }).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: 'Notifications failed' }).waitFor();
  });

  it('stores a push while the inbox is in front of the shopper, shows nothing for it, and the later sync changes nothing but the seq', async () => {
    const device = await newDevice();
    const { context, page } = device;
    // Offline, the page's own sync cannot bring the message: only the service worker can store it.
    await context.setOffline(true);
    await page.getByRole('status', { name: /Offline|Connecting/ }).waitFor();
    const cursor = await storedCursor(device);

    const seen = await sendAndReceive(device, { title: 'Seen in the app', collapseKey: 'order:7', priority: 4 });
    await device.deliver(seen.plaintext);
    await expect.poll(() => storedMessage(device, seen.id), EVENTUALLY).toMatchObject({ title: 'Seen in the app', seq: 0, read: 0 });
    await card(page, 'Seen in the app').waitFor();
    expect(await storedCursor(device)).toBe(cursor);

    // Back online the sync applies the same message from the event log, once, keeping it.
    await context.setOffline(false);
    await page.getByRole('status', { name: /Live/ }).waitFor();
    await expect.poll(async () => (await storedMessage(device, seen.id))?.seq ?? 0, EVENTUALLY).toBeGreaterThan(0);
    await expect(card(page, 'Seen in the app').count()).resolves.toBe(1);

    // A later push with no app window open is shown: by then the first one has long been decided, and showed nothing.
    await page.goto('about:blank');
    const later = await sendAndReceive(device, { title: 'Shown with no window open' });
    await device.deliver(later.plaintext);
    await expect.poll(async () => (await shownNotifications(device)).map(({ title }) => title), EVENTUALLY).toEqual(['Shown with no window open']);
  });

  it('shows one notification per collapse key when no app window is open, and stores the messages', async () => {
    const device = await newDevice();
    await device.page.goto('about:blank');

    const shipped = await sendAndReceive(device, {
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
    await device.deliver(shipped.plaintext);
    await expect.poll(() => shownNotifications(device), EVENTUALLY).toEqual([
      {
        title: 'Order #1042 shipped',
        body: 'Your parcel is on its way.',
        tag: 'order:1042',
        icon: `${device.server.url}/icons/icon-192.png`,
        badge: `${device.server.url}/icons/badge-96.png`,
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

    const delivered = await sendAndReceive(device, {
      title: 'Order #1042 delivered',
      collapseKey: 'order:1042',
      priority: 1,
      actions: [{ title: 'Track parcel', url: '/orders/1042/tracking' }],
    });
    await device.deliver(delivered.plaintext);
    await expect
      .poll(async () => (await shownNotifications(device)).map(({ title, tag, silent }) => ({ title, tag, silent })), EVENTUALLY)
      .toEqual([{ title: 'Order #1042 delivered', tag: 'order:1042', silent: true }]);

    // No page was open: these rows can only come from the service worker.
    await expect(storedMessage(device, shipped.id)).resolves.toMatchObject({ title: 'Order #1042 shipped', seq: 0, read: 0 });
    await expect(storedMessage(device, delivered.id)).resolves.toMatchObject({ title: 'Order #1042 delivered', seq: 0, read: 0 });
  });

  it('fetches the whole message when the push had to be shortened', async () => {
    const device = await newDevice();
    await device.page.goto('about:blank');
    const body = `${'All the details of your return. '.repeat(124)}The end.`;
    const long = await sendAndReceive(device, { title: 'Your return, in full', body, category: 'account' });
    expect(JSON.parse(long.plaintext)).toMatchObject({ truncated: true });
    await device.deliver(long.plaintext);
    await expect.poll(async () => (await storedMessage(device, long.id))?.body, EVENTUALLY).toBe(body);
    const shown = async () => (await shownNotifications(device)).find((notification) => notification.tag === long.id);
    await expect.poll(async () => (await shown())?.body, EVENTUALLY).toBe(body);
    expect((await shown())?.data).toEqual({ messageId: long.id, actionUrls: [] });
  });

  it('opens the message in the app window on a click and marks it read', async () => {
    const device = await newDevice();
    const { page, server } = device;
    await page.goto('about:blank');
    const returns = await sendAndReceive(device, { title: 'Your return is approved', category: 'account' });
    await device.deliver(returns.plaintext);
    const order = await sendAndReceive(device, {
      title: 'Order #1042 shipped',
      collapseKey: 'order:1042',
      url: '/orders/1042',
      actions: [{ title: 'Track parcel', url: '/orders/1042/tracking' }],
    });
    await device.deliver(order.plaintext);
    await expect.poll(async () => (await shownNotifications(device)).map(({ tag }) => tag).sort(), EVENTUALLY).toEqual([returns.id, 'order:1042'].sort());

    await page.goto(`${server.url}/`);
    await page.getByRole('status', { name: /Live/ }).waitFor();
    expect((await storedMessage(device, returns.id))?.read).toBe(0);

    // The body of a message without a link: the message view of that message.
    await click(device, returns.id);
    await page.waitForURL(`${server.url}/#message=${encodeURIComponent(returns.id)}`);
    await expect.poll(async () => (await storedMessage(device, returns.id))?.read, EVENTUALLY).toBe(1);
    await page.getByRole('region', { name: 'Your return is approved' }).waitFor();

    // An action button: its own link, in the same window.
    await click(device, 'order:1042', 'a0');
    await page.waitForURL(`${server.url}/orders/1042/tracking`);
    await expect.poll(async () => (await storedMessage(device, order.id))?.read, EVENTUALLY).toBe(1);
    await expect.poll(() => shownNotifications(device), EVENTUALLY).toEqual([]);
  });
});
