import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { messageTo, TEST_MERCHANT_KEY } from '../../server/test-support/test-server.js';
import { appInChromium, openInbox } from './support/app-in-chromium.js';
import { startPushDevice, type PushDevice } from './support/push-device.js';
import { appMenu } from './support/inbox-page.js';

/*
 * The shopper's side of sellers, in Chromium on a phone-sized screen: a
 * seller's message shows the seller as a store; from it the shopper follows
 * the store (the server then lists `store:<seller id>`), which fails visibly
 * offline, and mutes the seller (the preference reaches the server), then
 * unmutes it in Settings. Until seller keys exist the platform key sends
 * with an explicit seller sender, which is what a seller key's messages carry.
 */

const app = appInChromium();
const SHOPPER = 'e2e-senders';
const ACME = { id: 'seller-acme', name: 'Acme Outfitters', role: 'seller' };
const EVENTUALLY = { timeout: 10_000 };

function card(page: Page, title: string) {
  return page.getByRole('article').filter({ has: page.getByRole('heading', { name: title }) });
}

async function send(overrides: Record<string, unknown>): Promise<void> {
  const res = await app.server.send(messageTo([SHOPPER], overrides));
  expect(res.status).toBe(202);
}

/** What the server holds for the shopper, asked as another device of theirs would. */
async function asShopper<T>(path: string): Promise<T> {
  const res = await fetch(`${app.server.url}/api/v1${path}`, { headers: { authorization: `Bearer ${await app.server.tokenFor(SHOPPER)}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}
const followed = async () => (await asShopper<{ topics: string[] }>('/me/topics')).topics;
const mutedOnServer = async () => (await asShopper<{ preferences: { mutedSenders: string[] } }>('/me/preferences')).preferences.mutedSenders;

describe('senders in Chromium', () => {
  beforeAll(async () => {
    await send({ type: 'user', category: 'shipping', sender: ACME, title: 'Your rain jacket is on its way', body: 'Parcel 7731 left our warehouse.' });
    await send({ type: 'user', category: 'chat', sender: { id: 'alice', name: 'Alice' }, title: 'Thanks for the review', body: 'Glad it fits!' });
    await send({ category: 'order', title: 'Order #1042 paid', body: 'We received your payment.' });
  });

  it('shows who sent each message, a seller as a store, compactly on a 375 px screen', async () => {
    const context = await app.browser.newContext({ viewport: { width: 375, height: 740 } });
    const page = await openInbox(context, app.server, SHOPPER);
    const seller = card(page, 'Your rain jacket is on its way');
    await seller.waitFor();
    await expect(seller.locator('p').innerText()).resolves.toMatch(/^Store Acme Outfitters · Parcel 7731 left our warehouse\.$/i);
    await expect(card(page, 'Thanks for the review').locator('p').innerText()).resolves.toBe('From Alice · Glad it fits!');
    // No sender, nothing extra.
    await expect(card(page, 'Order #1042 paid').locator('p').innerText()).resolves.toBe('We received your payment.');
    // Nothing pushes the page sideways on a narrow phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

    // In the thread: the seller with its actions; a person can be muted but has no store to follow.
    await page.getByRole('button', { name: 'Your rain jacket is on its way' }).click();
    const about = page.getByRole('group', { name: 'About Acme Outfitters' });
    await about.getByRole('button', { name: 'Follow store' }).waitFor();
    await about.getByRole('button', { name: 'Mute Acme Outfitters' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.getByRole('button', { name: /Back/ }).click();
    await page.getByRole('button', { name: 'Thanks for the review' }).click();
    const aboutAlice = page.getByRole('group', { name: 'About Alice' });
    await aboutAlice.getByRole('button', { name: 'Mute Alice' }).waitFor();
    await expect(aboutAlice.getByRole('button', { name: 'Follow store' }).count()).resolves.toBe(0);
    await context.close();
  });

  it('follows the seller’s store from its message, says so when offline, and unfollows', async () => {
    const context = await app.browser.newContext({ viewport: { width: 375, height: 740 } });
    const page = await openInbox(context, app.server, SHOPPER);
    await page.getByRole('button', { name: 'Your rain jacket is on its way' }).click();
    const about = page.getByRole('group', { name: 'About Acme Outfitters' });

    expect(await followed()).not.toContain('store:seller-acme');
    await about.getByRole('button', { name: 'Follow store' }).click();
    await about.getByRole('button', { name: 'Following' }).waitFor();
    expect(await followed()).toContain('store:seller-acme');

    // A fresh load knows it from the server, not from memory.
    // (The reload keeps the message open: its address is #message=<id>.)
    await page.reload();
    await page.getByRole('status', { name: /Live/ }).waitFor();
    await about.getByRole('button', { name: 'Following' }).waitFor();

    // Offline the change cannot happen: an error, and the button keeps the true state.
    await context.setOffline(true);
    await about.getByRole('button', { name: 'Following' }).click();
    await page.getByRole('status').filter({ hasText: 'Could not change what you follow' }).waitFor();
    await expect(about.getByRole('button', { name: 'Following' }).count()).resolves.toBe(1);
    expect(await followed()).toContain('store:seller-acme');
    await context.setOffline(false);

    await about.getByRole('button', { name: 'Following' }).click();
    await about.getByRole('button', { name: 'Follow store' }).waitFor();
    expect(await followed()).not.toContain('store:seller-acme');
    await context.close();
  });

  it('mutes the seller from its message (the preference reaches the server) and unmutes it in Settings', async () => {
    const context = await app.browser.newContext({ viewport: { width: 375, height: 740 } });
    const page = await openInbox(context, app.server, SHOPPER);
    await page.getByRole('button', { name: 'Your rain jacket is on its way' }).click();
    const about = page.getByRole('group', { name: 'About Acme Outfitters' });

    await about.getByRole('button', { name: 'Mute Acme Outfitters' }).click();
    await about.getByRole('button', { name: 'Unmute Acme Outfitters' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Muted Acme Outfitters' }).waitFor();
    await expect.poll(mutedOnServer, EVENTUALLY).toEqual(['seller-acme']);
    // Muted, not hidden: the message stays in the inbox, like a muted category's.
    await page.getByRole('button', { name: /Back/ }).click();
    await card(page, 'Your rain jacket is on its way').waitFor();

    await appMenu(page, 'Settings');
    const list = page.getByRole('group', { name: 'Muted senders' });
    await list.getByText('Acme Outfitters').waitFor();
    await list.getByRole('button', { name: 'Unmute Acme Outfitters' }).click();
    await expect(list.getByText('Acme Outfitters').count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(mutedOnServer, EVENTUALLY).toEqual([]);
    await context.close();
  });
});

describe('a seller muted from its message, on the lock screen', () => {
  const shopper = 'e2e-senders-push';
  const ZED = { id: 'seller-zed', name: 'Zed & Co', role: 'seller' };
  let device: PushDevice;
  beforeAll(async () => {
    device = await startPushDevice(app.browser, shopper);
  });
  afterAll(() => device?.close());

  async function sendToDevice(overrides: Record<string, unknown>): Promise<string> {
    const res = await device.server.send(messageTo([shopper], { type: 'user', category: 'chat', ...overrides }));
    expect(res.status).toBe(202);
    return ((await res.json()) as { id: string }).id;
  }
  async function report(id: string): Promise<Record<string, unknown>> {
    const res = await fetch(`${device.server.url}/api/v1/messages/${id}`, { headers: { authorization: `Bearer ${TEST_MERCHANT_KEY}` } });
    return (await res.json()) as Record<string, unknown>;
  }
  const shownTitles = () =>
    device.serviceWorker().evaluate(async () =>
      (await (self as unknown as { registration: ServiceWorkerRegistration }).registration.getNotifications()).map((n) => n.title),
    );

  it('is not pushed by the server, and not shown by the service worker when a push arrives anyway', async () => {
    const { page, push, subscription } = device;
    await sendToDevice({ sender: ACME, title: 'Acme: welcome' });
    await page.getByRole('button', { name: 'Acme: welcome' }).click();
    await page.getByRole('group', { name: 'About Acme Outfitters' }).getByRole('button', { name: 'Mute Acme Outfitters' }).click();
    await page.getByRole('button', { name: 'Unmute Acme Outfitters' }).waitFor();
    await expect
      .poll(async () => {
        const res = await fetch(`${device.server.url}/api/v1/me/preferences`, { headers: { authorization: `Bearer ${device.token}` } });
        return ((await res.json()) as { preferences: { mutedSenders: string[] } }).preferences.mutedSenders;
      }, EVENTUALLY)
      .toEqual(['seller-acme']);
    // No app window in front of the shopper, or the service worker would stay quiet for that reason instead.
    await page.goto('about:blank');

    const muted = await sendToDevice({ sender: ACME, title: 'Acme: flash sale', priority: 5 });
    const wanted = await sendToDevice({ sender: ZED, title: 'Zed: your parcel' });
    await expect.poll(async () => [(await report(muted)).pushPending, (await report(wanted)).pushPending], EVENTUALLY).toEqual([0, 0]);
    expect(await report(muted)).toMatchObject({ pushed: 0, pushSkipped: 1 });
    expect(await report(wanted)).toMatchObject({ pushed: 1 });
    // The welcome went out before the mute; after it, only the other seller's message.
    const titles = push.receivedFor(subscription.json.endpoint).map((p) => (JSON.parse(p.plaintext) as { message: { title: string } }).message.title);
    expect(titles).toEqual(['Acme: welcome', 'Zed: your parcel']);
    const received = push.receivedFor(subscription.json.endpoint)[1];

    // A push from the muted seller anyway (sent before the mute reached the server): stored, not shown.
    const template = JSON.parse(received!.plaintext) as { message: Record<string, unknown> };
    const forged = { ...template, message: { ...template.message, id: 'forged-acme', title: 'Acme: sent before the mute', sender: ACME } };
    await device.deliver(JSON.stringify(forged));
    // The control: the other seller's push is shown, so the silence means something.
    await device.deliver(received!.plaintext);
    await expect.poll(shownTitles, EVENTUALLY).toContain('Zed: your parcel');
    expect(await shownTitles()).not.toContain('Acme: sent before the mute');
  });
});
