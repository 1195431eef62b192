import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { messageTo, startTestServer, tempDir, type TestServer } from '../../server/test-support/test-server.js';
import { openInbox } from './support/app-in-chromium.js';
import { CLIENT_DIST, launchChromium } from './support/browser.js';
import { card, cardAction, expectCardAction } from './support/inbox-page.js';

/*
 * Notification management in a real browser: state that follows the shopper
 * across devices (online and after an offline change), and filters, orderings
 * and threads that change what the list shows.
 */

let browser: Browser;
let server: TestServer;
beforeAll(async () => {
  browser = await launchChromium();
  server = await startTestServer({ dataDir: tempDir(), staticDir: CLIENT_DIST });
});
afterAll(async () => {
  await server?.close();
  await browser?.close();
});

/** Titles of the rows on screen, top to bottom. */
async function titles(page: Page): Promise<string[]> {
  return page.locator('article h2').allInnerTexts();
}

async function send(userId: string, overrides: Record<string, unknown>): Promise<void> {
  const res = await server.send(messageTo([userId], overrides));
  expect(res.status).toBe(202);
}

async function waitForTitles(page: Page, expected: string[]): Promise<void> {
  await expect.poll(() => titles(page), { timeout: 10_000 }).toEqual(expected);
}

describe('the inbox in Chromium', () => {
  it('reads on one device show as read on the other; an offline archive syncs when back online', async () => {
    const phone = await browser.newContext();
    const laptop = await browser.newContext();
    const onPhone = await openInbox(phone, server, 'e2e-two-devices');
    const onLaptop = await openInbox(laptop, server, 'e2e-two-devices');
    await send('e2e-two-devices', { title: 'Your parcel is on its way' });
    await card(onPhone, 'Your parcel is on its way').waitFor();
    await card(onLaptop, 'Your parcel is on its way').waitFor();
    await onLaptop.getByText('1 unread').waitFor();

    await cardAction(onPhone, 'Your parcel is on its way', 'Mark as read');
    await onLaptop.getByText('1 unread').waitFor({ state: 'detached' });
    await expectCardAction(onLaptop, 'Your parcel is on its way', 'Mark as unread');

    // Offline on the laptop: the archive shows at once there, and nowhere else yet.
    await laptop.setOffline(true);
    await onLaptop.getByRole('status', { name: /Offline|Connecting/ }).waitFor();
    await cardAction(onLaptop, 'Your parcel is on its way', 'Archive');
    await card(onLaptop, 'Your parcel is on its way').waitFor({ state: 'detached' });
    await onLaptop.getByRole('status').filter({ hasText: 'Archived' }).waitFor();
    await expect(card(onPhone, 'Your parcel is on its way').count()).resolves.toBe(1);

    await laptop.setOffline(false);
    await card(onPhone, 'Your parcel is on its way').waitFor({ state: 'detached', timeout: 20_000 });
    await onPhone.getByRole('group', { name: 'Show' }).getByRole('button', { name: 'Archive' }).click();
    await card(onPhone, 'Your parcel is on its way').waitFor();
    await phone.close();
    await laptop.close();
  });

  it('filters, orderings and threads change what the list shows', async () => {
    const context = await browser.newContext();
    const page = await openInbox(context, server, 'e2e-filters');
    await send('e2e-filters', { title: 'Flash sale ends tonight', category: 'promotion', priority: 2 });
    await send('e2e-filters', { title: 'Payment failed', category: 'payment', priority: 5, body: 'Your card was declined' });
    await send('e2e-filters', { title: 'Order placed', collapseKey: 'order:77' });
    await send('e2e-filters', { title: 'Order shipped', collapseKey: 'order:77' });

    // Priority first: the urgent payment problem on top; the order thread is one row.
    await waitForTitles(page, ['Payment failed', 'Order shipped', 'Flash sale ends tonight']);
    await expect(card(page, 'Order shipped').getByText('2 updates').count()).resolves.toBe(1);

    await page.getByRole('combobox', { name: 'Sort order' }).selectOption('newest');
    await waitForTitles(page, ['Order shipped', 'Payment failed', 'Flash sale ends tonight']);

    await page.getByRole('button', { name: 'Offer', exact: true }).click();
    await waitForTitles(page, ['Flash sale ends tonight']);
    await page.getByRole('button', { name: 'Clear filters' }).click();

    await page.getByRole('searchbox', { name: 'Search messages' }).fill('declined');
    await waitForTitles(page, ['Payment failed']);
    await page.getByRole('button', { name: 'Clear filters' }).click();

    await cardAction(page, 'Payment failed', 'Mark as read');
    await page.getByRole('checkbox', { name: 'Unread only' }).check();
    await waitForTitles(page, ['Order shipped', 'Flash sale ends tonight']);
    await page.getByRole('button', { name: 'Clear filters' }).click();

    // The thread opens as a timeline, oldest first.
    await page.getByRole('button', { name: 'Order shipped' }).click();
    await expect.poll(() => page.locator('.timeline h3').allInnerTexts()).toEqual(['Order placed', 'Order shipped']);
    await page.getByRole('button', { name: /Back/ }).click();

    // Delete with undo.
    await cardAction(page, 'Flash sale ends tonight', 'Delete');
    await card(page, 'Flash sale ends tonight').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Undo' }).click();
    await card(page, 'Flash sale ends tonight').waitFor();
    await context.close();
  });
});
