import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { messageTo } from '../../server/test-support/test-server.js';
import { appInChromium, openInbox } from './support/app-in-chromium.js';

/*
 * The unread count is what the shopper sees (a thread counts once), and an
 * expired message leaves the list and the count at its expiresAt — by the
 * app's own timer, with no event or reload to prompt it.
 */

const app = appInChromium();

async function send(userId: string, overrides: Record<string, unknown>): Promise<void> {
  const res = await app.server.send(messageTo([userId], overrides));
  expect(res.status).toBe(202);
}

function card(page: Page, title: string) {
  return page.getByRole('article').filter({ has: page.getByRole('heading', { name: title }) });
}

describe('unread and expiry in Chromium', () => {
  it('counts a thread of three unread messages once', async () => {
    const context = await app.browser.newContext();
    const page = await openInbox(context, app.server, 'e2e-unread-threads');
    for (const step of ['placed', 'paid', 'shipped']) await send('e2e-unread-threads', { title: `Order #9 ${step}`, collapseKey: 'order:9' });
    await send('e2e-unread-threads', { title: 'Welcome to the shop', category: 'account' });
    await card(page, 'Order #9 shipped').waitFor();
    await card(page, 'Welcome to the shop').waitFor();
    await page.getByText('2 unread', { exact: true }).waitFor();
    expect(await page.getByRole('article').count()).toBe(2);
    await context.close();
  });

  it('takes an expired promotion off the list and out of the count at its expiresAt', async () => {
    const context = await app.browser.newContext();
    const page = await openInbox(context, app.server, 'e2e-expiry');
    await send('e2e-expiry', { title: 'Your receipt', category: 'payment' });
    const expiresAt = Date.now() + 3_000;
    await send('e2e-expiry', { title: 'Flash sale: 3 seconds only', category: 'promotion', expiresAt: new Date(expiresAt).toISOString() });
    await card(page, 'Flash sale: 3 seconds only').waitFor();
    await page.getByText('2 unread', { exact: true }).waitFor();

    // Gone within about a second of expiresAt, with nothing else happening meanwhile.
    const deadline = expiresAt + 1_000 - Date.now();
    await card(page, 'Flash sale: 3 seconds only').waitFor({ state: 'detached', timeout: Math.max(deadline, 1) });
    await page.getByText('1 unread', { exact: true }).waitFor({ timeout: 1_000 });
    await card(page, 'Your receipt').waitFor();
    await context.close();
  });
});
