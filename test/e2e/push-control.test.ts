import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { appInChromium, openInbox } from './support/app-in-chromium.js';

/*
 * The notifications control names every state it can be in, in plain words,
 * in a dialog it opens — never as text added to the header. Headless
 * Chromium reaches no push service, so the states shown here are the ones a
 * shopper meets when notifications cannot be turned on: no Push API (a
 * private window), a push service that cannot be reached, a denied
 * permission, and iOS Safari outside the Home Screen. Turning on for real is
 * covered with a loopback push service in push.test.ts; the time limit in
 * push-control.test.ts.
 */

const app = appInChromium();

const headerHeight = async (page: Page) => (await page.locator('header').first().boundingBox())?.height;

async function explanation(page: Page, title: string): Promise<string> {
  const dialog = page.getByRole('dialog', { name: title });
  await dialog.waitFor();
  return dialog.innerText();
}

describe('the notifications control in Chromium', () => {
  it('says a window without the Push API has no push service, even with the permission', async () => {
    const context = await app.browser.newContext({ permissions: ['notifications'] });
    await context.addInitScript(() => delete (window as { PushManager?: unknown }).PushManager);
    const page = await openInbox(context, app.server, 'e2e-push-private');
    const height = await headerHeight(page);
    await page.getByRole('button', { name: 'No notifications here' }).click();
    expect(await explanation(page, 'No push service in this window')).toContain('private and incognito windows');
    expect(await headerHeight(page)).toBe(height);
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await context.close();
  });

  it('names the push service when the browser cannot reach it, offers a retry, and the header keeps its height', async () => {
    const context = await app.browser.newContext({ permissions: ['notifications'] });
    const page = await openInbox(context, app.server, 'e2e-push-unreachable');
    const height = await headerHeight(page);
    await page.getByRole('button', { name: 'Turn on notifications' }).click();
    const text = await explanation(page, 'Notifications could not be turned on');
    expect(text).toContain('could not reach its push service');
    expect(await headerHeight(page)).toBe(height);
    // Retrying asks again, and says the same thing again.
    await page.getByRole('dialog').getByRole('button', { name: 'Try again' }).click();
    expect(await explanation(page, 'Notifications could not be turned on')).toContain('could not reach its push service');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Notifications failed' }).waitFor();
    expect(await headerHeight(page)).toBe(height);
    await context.close();
  });

  it('explains how to unblock notifications the browser has denied', async () => {
    const context = await app.browser.newContext();
    // Headless Chromium has no prompt to answer: the page sees the answer a shopper who chose "Block" gives.
    await context.addInitScript(() => {
      let permission: NotificationPermission = 'default';
      Object.defineProperty(Notification, 'permission', { get: () => permission });
      Notification.requestPermission = async () => (permission = 'denied');
    });
    const page = await openInbox(context, app.server, 'e2e-push-blocked');
    const height = await headerHeight(page);
    await page.getByRole('button', { name: 'Turn on notifications' }).click();
    expect(await explanation(page, 'Notifications are blocked')).toContain('site settings');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Notifications blocked' }).click();
    await page.getByRole('dialog', { name: 'Notifications are blocked' }).waitFor();
    expect(await headerHeight(page)).toBe(height);
    await context.close();
  });

  it('asks iPhone users to add the app to the Home Screen first', async () => {
    const context = await app.browser.newContext({
      userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
    });
    const page = await openInbox(context, app.server, 'e2e-push-ios');
    await page.getByRole('button', { name: 'Get notifications' }).click();
    expect(await explanation(page, 'Add Tidings to your Home Screen first')).toContain('Add to Home Screen');
    await context.close();
  });
});
