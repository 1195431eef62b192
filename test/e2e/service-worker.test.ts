import { describe, expect, it } from 'vitest';
import { TEST_MERCHANT_KEY } from '../../server/test-support/test-server.js';
import type { PushDevice } from './support/push-device.js';
import { appMenu } from './support/inbox-page.js';
import {
  click,
  EVENTUALLY,
  savePreferences,
  sendAndReceive,
  shownNotifications,
  shownTitles,
  storedMessage,
  storedRow,
  type WorkerScope,
  pushDevicesPerTest,
} from './support/service-worker.js';

/*
 * The built service worker's other duties, in headless Chromium: what it does
 * with a retraction, quiet hours, an unreadable push, a push for a signed-out
 * device, the app badge and a renewed subscription. Pushes reach it as in
 * push.test.ts (loopback push service → DevTools `deliverPushMessage`). Each
 * test opens its own device for a shopper of its own.
 */

const openDevice = pushDevicesPerTest();

/** A signed-in device with no app window in front of the shopper (so the worker shows notifications). */
async function deviceInBackground(prefix: string): Promise<PushDevice> {
  const device = await openDevice(prefix);
  await device.page.goto('about:blank');
  return device;
}

/** The decrypted plaintext of the next push the service receives for the device, after `act`. */
async function nextPush(device: PushDevice, act: () => Promise<void>): Promise<string> {
  const { push, subscription } = device;
  const before = push.receivedFor(subscription.json.endpoint).length;
  await act();
  await push.waitFor(() => push.receivedFor(subscription.json.endpoint).length > before);
  return push.receivedFor(subscription.json.endpoint)[before]!.plaintext;
}

/** The clock time `minutes` from now in UTC, as quiet hours take it ("HH:MM"). */
function utcClock(minutes: number): string {
  return new Date(Date.now() + minutes * 60_000).toISOString().slice(11, 16);
}

/**
 * Records what the worker puts on the app badge. Init scripts do not run in
 * service workers, so the Badging API is wrapped from inside the running
 * worker (DevTools keeps it alive for the test); each call appends the count
 * (0 for a cleared badge). Defined even where the platform lacks the API, so
 * the test sees the calls the code makes either way.
 */
function recordBadge(device: PushDevice): Promise<void> {
  return device.serviceWorker().evaluate(() => {
    const scope = self as unknown as { badges: number[] };
    scope.badges = [];
    Object.defineProperty(navigator, 'setAppBadge', { configurable: true, value: async (count: number) => void scope.badges.push(count) });
    Object.defineProperty(navigator, 'clearAppBadge', { configurable: true, value: async () => void scope.badges.push(0) });
  });
}

const lastBadge = (device: PushDevice) =>
  device.serviceWorker().evaluate(() => (self as unknown as { badges: number[] }).badges.at(-1));

describe('the service worker in Chromium', () => {
  it('closes a retracted message’s notification in the tray, and only that one', async () => {
    const device = await deviceInBackground('e2e-sw-retract');
    const mistake = await sendAndReceive(device, { title: 'You won a prize', category: 'promotion' });
    const kept = await sendAndReceive(device, { title: 'Order #9 shipped' });
    await device.deliver(mistake.plaintext);
    await device.deliver(kept.plaintext);
    await expect.poll(async () => (await shownTitles(device)).sort(), EVENTUALLY).toEqual(['Order #9 shipped', 'You won a prize']);

    const retraction = await nextPush(device, async () => {
      const res = await fetch(`${device.server.url}/api/v1/messages/${mistake.id}/retract`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_MERCHANT_KEY}` },
      });
      expect(res.status).toBe(200);
    });
    expect(JSON.parse(retraction)).toMatchObject({ kind: 'retracted', messageId: mistake.id });
    await device.deliver(retraction);
    await expect.poll(() => shownTitles(device), EVENTUALLY).toEqual(['Order #9 shipped']);
    await expect.poll(async () => (await storedMessage(device, mistake.id))?.title, EVENTUALLY).toBeUndefined();
    expect((await storedMessage(device, kept.id))?.title).toBe('Order #9 shipped');
  });

  it('stores a message pushed during quiet hours without a notification; an urgent one still notifies', async () => {
    const device = await openDevice('e2e-sw-quiet');
    // A template push from before the quiet hours: the server holds back pushes inside them, so the ones
    // below are what a push sent just before the change reached the server would look like.
    await device.page.goto('about:blank');
    const template = JSON.parse((await sendAndReceive(device, { title: 'A template' })).plaintext) as { message: Record<string, unknown> };
    await device.page.goto(`${device.server.url}/`);
    await savePreferences(device, { quietHours: { start: utcClock(-60), end: utcClock(60), allowUrgent: true, deferred: false }, timeZone: 'UTC' });
    await device.page.goto('about:blank');
    const pushOf = (id: string, title: string, priority: number) =>
      JSON.stringify({ ...template, message: { ...template.message, id, title, priority, collapseKey: undefined } });

    await device.deliver(pushOf('quiet-routine', 'Your review was published', 3));
    await expect.poll(async () => (await storedMessage(device, 'quiet-routine'))?.title, EVENTUALLY).toBe('Your review was published');
    // A later urgent push is shown: by then the routine one has long been decided.
    await device.deliver(pushOf('quiet-urgent', 'Card declined', 5));
    await expect.poll(() => shownTitles(device), EVENTUALLY).toContain('Card declined');
    expect(await shownTitles(device)).not.toContain('Your review was published');
    expect((await storedMessage(device, 'quiet-urgent'))?.title).toBe('Card declined');
  });

  it('shows a summary of held-back pushes with the newest as its text, also while its clock is still in quiet hours', async () => {
    const device = await openDevice('e2e-sw-summary');
    await device.page.goto('about:blank');
    const newest = JSON.parse((await sendAndReceive(device, { title: 'Parcel in town', url: '/orders/7' })).plaintext) as { message: Record<string, unknown> };
    await device.page.goto(`${device.server.url}/`);
    // Deferred quiet hours that, on this device's clock, have not ended yet.
    await savePreferences(device, { quietHours: { start: utcClock(-60), end: utcClock(30), allowUrgent: true, deferred: true }, timeZone: 'UTC' });
    await device.page.goto('about:blank');

    // A digest's summary is a push like any other: quiet hours hold it back.
    const digest = { v: 1, kind: 'summary', reason: 'digest', count: 5, title: '5 items in your wishlist dropped in price', message: newest.message };
    await device.deliver(JSON.stringify(digest));
    // The one sent because quiet hours ended is shown, though this clock has not got there yet; by then the digest was decided.
    await device.deliver(JSON.stringify({ v: 1, kind: 'summary', reason: 'quiet-hours', count: 3, message: newest.message }));
    await expect
      .poll(async () => (await shownNotifications(device)).map(({ title, body, tag }) => ({ title, body, tag })), EVENTUALLY)
      .toEqual([{ title: '3 messages while you were away', body: 'Latest: Parcel in town', tag: 'tidings:summary:quiet-hours' }]);
    expect((await storedMessage(device, newest.message.id as string))?.title).toBe('Parcel in town');
  });

  it('shows the plain “New message” for a push it cannot read', async () => {
    const device = await deviceInBackground('e2e-sw-unreadable');
    await device.deliver('this is not JSON');
    await expect
      .poll(async () => (await shownNotifications(device)).map(({ title, body, tag }) => ({ title, body, tag })), EVENTUALLY)
      .toEqual([{ title: 'New message', body: 'Open Tidings to read it.', tag: 'tidings:unreadable' }]);
    // A payload from a newer server (another version) replaces it rather than piling up; the readable
    // push after it is shown, so by then the unreadable one has been handled.
    await device.deliver(JSON.stringify({ v: 99, kind: 'message', message: { id: 'from-the-future' } }));
    const readable = await sendAndReceive(device, { title: 'Order #3 shipped' });
    await device.deliver(readable.plaintext);
    await expect.poll(async () => (await shownTitles(device)).sort(), EVENTUALLY).toEqual(['New message', 'Order #3 shipped']);
  });

  it('shows nothing for a push to a signed-out device, stores nothing, and unsubscribes', async () => {
    const device = await openDevice('e2e-sw-signed-out');
    const message = await sendAndReceive(device, { title: 'For whoever was signed in' });

    // Headless Chromium holds no real subscription, so the worker is given one that records its unsubscribe.
    await device.serviceWorker().evaluate(() => {
      const scope = self as unknown as WorkerScope & { unsubscribed: number };
      scope.unsubscribed = 0;
      scope.registration.pushManager.getSubscription = async () => ({
        endpoint: 'https://push.example/held-by-this-browser',
        unsubscribe: async () => {
          scope.unsubscribed += 1;
          return true;
        },
      });
    });
    await appMenu(device.page, 'Sign out');
    await expect.poll(() => storedRow(device, 'meta', 'session'), EVENTUALLY).toBeUndefined();
    await device.page.goto('about:blank');

    await device.deliver(message.plaintext);
    await expect.poll(() => device.serviceWorker().evaluate(() => (self as unknown as { unsubscribed: number }).unsubscribed), EVENTUALLY).toBe(1);
    expect(await shownNotifications(device)).toEqual([]);
    expect(await storedMessage(device, message.id)).toBeUndefined();
  });

  it('keeps the app badge at the unread count through pushes, a click and a retraction', async () => {
    const device = await deviceInBackground('e2e-sw-badge');
    await recordBadge(device);
    const first = await sendAndReceive(device, { title: 'First', collapseKey: 'first' });
    await device.deliver(first.plaintext);
    await expect.poll(() => lastBadge(device), EVENTUALLY).toBe(1);
    const second = await sendAndReceive(device, { title: 'Second', collapseKey: 'second' });
    await device.deliver(second.plaintext);
    await expect.poll(() => lastBadge(device), EVENTUALLY).toBe(2);

    // A click reads the message: one left.
    await click(device, 'first');
    await expect.poll(() => lastBadge(device), EVENTUALLY).toBe(1);

    // The last unread one is retracted: the badge clears.
    const retraction = await nextPush(device, async () => {
      const res = await fetch(`${device.server.url}/api/v1/messages/${second.id}/retract`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_MERCHANT_KEY}` },
      });
      expect(res.status).toBe(200);
    });
    await device.deliver(retraction);
    await expect.poll(() => lastBadge(device), EVENTUALLY).toBe(0);
  });

  it('registers a renewed subscription with the server on pushsubscriptionchange, and forgets the old one', async () => {
    const device = await deviceInBackground('e2e-sw-renewed');
    const old = device.subscription.json;
    const renewed = device.push.subscription();
    expect((await device.server.store.listPushSubscriptions(device.userId)).map(({ endpoint }) => endpoint)).toEqual([old.endpoint]);

    // Chromium never fires the event on its own, and cannot subscribe at a real push service:
    // the test dispatches what the browser would, with the push service's renewed subscription.
    await device.serviceWorker().evaluate(
      async ([old, renewed]) => {
        const scope = self as unknown as WorkerScope;
        const event = new Event('pushsubscriptionchange');
        let handled: Promise<unknown> = Promise.resolve();
        Object.defineProperties(event, {
          oldSubscription: { value: { endpoint: old.endpoint, options: {}, toJSON: () => old } },
          newSubscription: { value: { endpoint: renewed.endpoint, options: {}, toJSON: () => renewed } },
          waitUntil: { value: (promise: Promise<unknown>) => (handled = promise) },
        });
        scope.dispatchEvent(event);
        await handled;
      },
      [old, renewed.json] as const,
    );
    await expect
      .poll(async () => (await device.server.store.listPushSubscriptions(device.userId)).map(({ endpoint }) => endpoint), EVENTUALLY)
      .toEqual([renewed.json.endpoint]);

    // And the next message is pushed to the renewed endpoint.
    const before = device.push.receivedFor(renewed.json.endpoint).length;
    expect((await device.server.send({ to: { userIds: [device.userId] }, category: 'order', title: 'After renewal' })).status).toBe(202);
    await device.push.waitFor(() => device.push.receivedFor(renewed.json.endpoint).length > before);
    expect(JSON.parse(device.push.receivedFor(renewed.json.endpoint).at(-1)!.plaintext)).toMatchObject({ message: { title: 'After renewal' } });
  });
});
