import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { messageTo, startTestServer, tempDir, type TestServer } from '../../server/test-support/test-server.js';
import { openInbox } from './support/app-in-chromium.js';
import { CLIENT_DIST, launchChromium } from './support/browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

function card(page: Page, title: string) {
  return page.getByRole('article').filter({ has: page.getByRole('heading', { name: title }) });
}

async function expectSent(server: TestServer, userId: string, title: string) {
  const res = await server.send(messageTo([userId], { title }));
  expect(res.status).toBe(202);
}

describe('the whole loop in Chromium', () => {
  // Shared by the tests below, each with shoppers of its own; none of them stops it.
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ staticDir: CLIENT_DIST });
  });
  afterAll(() => server?.close());

  it('shows a message the merchant sends, live, without a reload; the token leaves the address bar', async () => {
    const context = await browser.newContext();
    const page = await openInbox(context, server, 'e2e-live');
    expect(page.url()).not.toContain('token=');
    await expectSent(server, 'e2e-live', 'Order #1042 shipped');
    await card(page, 'Order #1042 shipped').waitFor();
    await expect(page.getByText('1 unread').count()).resolves.toBe(1);
    // Reading it: a tap on the card marks it read and the count goes.
    await page.getByRole('button', { name: 'Order #1042 shipped' }).click();
    await page.getByText('1 unread').waitFor({ state: 'detached' });
    await context.close();
  });

  it('keeps the inbox through an offline reload, then catches up on what it missed', async () => {
    // This test stops and restarts its server, so it has one of its own: the others keep theirs running.
    const dataDir = tempDir();
    let own = await startTestServer({ dataDir, staticDir: CLIENT_DIST });
    const context = await browser.newContext();
    try {
      const page = await openInbox(context, own, 'e2e-offline');
      await expectSent(own, 'e2e-offline', 'Before the outage');
      await card(page, 'Before the outage').waitFor();
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready;
      });

      // Really offline: the page's network is cut and the server is gone, so only
      // the service worker's precache and IndexedDB can show anything.
      const port = Number(new URL(own.url).port);
      await own.close();
      await context.setOffline(true);
      await page.reload();
      await card(page, 'Before the outage').waitFor();
      await page.getByRole('status', { name: /Offline|Connecting/ }).waitFor();

      own = await startTestServer({ dataDir, staticDir: CLIENT_DIST, port });
      await expectSent(own, 'e2e-offline', 'Missed while offline 1');
      await expectSent(own, 'e2e-offline', 'Missed while offline 2');
      await context.setOffline(false);
      await card(page, 'Missed while offline 2').waitFor({ timeout: 20_000 });
      await card(page, 'Missed while offline 1').waitFor();
      await expect(card(page, 'Before the outage').count()).resolves.toBe(1);
    } finally {
      await context.close();
      // Closing twice is harmless if the restart never happened.
      await own.close().catch(() => undefined);
    }
  });

  it('delivers to two devices of one shopper, and nothing of another shopper', async () => {
    const phone = await browser.newContext();
    const laptop = await browser.newContext();
    const stranger = await browser.newContext();
    const [phonePage, laptopPage, strangerPage] = await Promise.all([
      openInbox(phone, server, 'e2e-two'),
      openInbox(laptop, server, 'e2e-two'),
      openInbox(stranger, server, 'e2e-stranger'),
    ]);
    await expectSent(server, 'e2e-two', 'For both devices');
    await card(phonePage, 'For both devices').waitFor();
    await card(laptopPage, 'For both devices').waitFor();
    await expectSent(server, 'e2e-stranger', 'Only for the stranger');
    await card(strangerPage, 'Only for the stranger').waitFor();
    await expect(card(strangerPage, 'For both devices').count()).resolves.toBe(0);
    await expect(card(phonePage, 'Only for the stranger').count()).resolves.toBe(0);
    await Promise.all([phone.close(), laptop.close(), stranger.close()]);
  });

  it('asks for a fresh link when the token is not accepted', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/#token=v1.forged.token`);
    await page.getByRole('alert').filter({ hasText: 'expired' }).waitFor();
    await context.close();
  });
});

describe('the demo shop', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ staticDir: CLIENT_DIST, demo: true });
  });
  afterAll(() => server?.close());

  it('lets a newcomer sign in as a demo shopper and send from the console to the inbox', async () => {
    const context = await browser.newContext();
    const inbox = await context.newPage();
    await inbox.goto(server.url);
    await inbox.getByRole('button', { name: /Sign in as Alice/ }).click();
    await card(inbox, 'Welcome to Acme Outfitters (demo)').waitFor();
    await inbox.getByRole('status', { name: /Live/ }).waitFor();

    const console = await context.newPage();
    await console.goto(`${server.url}/console.html`);
    await console.getByRole('button', { name: /Use the demo key/ }).click();
    await console.getByRole('checkbox', { name: /Alice/ }).check();
    await console.getByLabel('Title').fill('Your parcel is out for delivery');
    await console.getByLabel('Priority').selectOption('5');
    await console.getByRole('button', { name: 'Send', exact: true }).click();
    await console.getByText('Queued for 1 recipient').waitFor();

    const arrived = card(inbox, 'Your parcel is out for delivery');
    await arrived.waitFor();
    await arrived.getByText('Urgent').waitFor();

    // A link the server would refuse is explained beside its field, before anything is sent.
    await console.getByLabel('Link (optional)').fill('javascript:alert(1)');
    await console.getByRole('button', { name: 'Send', exact: true }).click();
    await console.getByText('Link must start with https:// or http://, or be a path on this site starting with /').waitFor();
    await context.close();
  });
});
