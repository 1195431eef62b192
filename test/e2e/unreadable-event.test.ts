import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { messageTo } from '../../server/test-support/test-server.js';
import { appInChromium } from './support/app-in-chromium.js';
import { injectUnreadableMessage } from './support/unreadable-event.js';

/*
 * Issue 9: one message the app could not parse froze the shopper's inbox for
 * good — nothing after it showed, live or after a reload or on a new device,
 * and the app reconnected in a loop. Now the event is skipped and mentioned,
 * and the log goes on.
 */

const app = appInChromium();
const SHOPPER = 'e2e-unreadable';

function card(page: Page, title: string) {
  return page.getByRole('article').filter({ has: page.getByRole('heading', { name: title }) });
}

function notice(page: Page) {
  return page.getByText('A message could not be shown');
}

function live(page: Page) {
  return page.getByRole('status', { name: /Live/ });
}

async function send(title: string): Promise<void> {
  expect((await app.server.send(messageTo([SHOPPER], { title }))).status).toBe(202);
}

/** A page of the app with a count of the WebSockets it opens and the warnings it logs. */
async function openApp(context: BrowserContext, token: string) {
  const page = await context.newPage();
  const sockets: string[] = [];
  const warnings: string[] = [];
  page.on('websocket', (socket) => sockets.push(socket.url()));
  page.on('console', (message) => {
    if (message.type() === 'warning') warnings.push(message.text());
  });
  await page.goto(`${app.server.url}/#token=${token}`);
  return { page, sockets, warnings };
}

describe('an event the app cannot read, in Chromium', () => {
  it('is skipped and mentioned; later messages arrive live, after a reload and on a fresh device', async () => {
    const token = await app.server.tokenFor(SHOPPER);
    await send('Before the unreadable one');
    const phone = await app.browser.newContext();
    const { page, sockets, warnings } = await openApp(phone, token);
    await card(page, 'Before the unreadable one').waitFor();
    await live(page).waitFor();

    // Straight into the log, as a server before the fix could have stored it.
    const badId = await injectUnreadableMessage(app.server.store, SHOPPER);
    await send('After the unreadable one');
    await card(page, 'After the unreadable one').waitFor();
    await notice(page).waitFor();
    expect(warnings.some((text) => text.includes('skipping event') && text.includes(badId))).toBe(true);
    await send('Later still');
    await card(page, 'Later still').waitFor();
    await expect(live(page).count()).resolves.toBe(1);
    // Everything came over the first socket: no reconnect loop.
    expect(sockets).toHaveLength(1);

    await page.reload();
    await live(page).waitFor();
    await card(page, 'Later still').waitFor();
    await expect(card(page, 'After the unreadable one').count()).resolves.toBe(1);
    await expect(notice(page).count()).resolves.toBe(1);

    // A fresh device reads the whole log from the start, the unreadable event included.
    const laptop = await app.browser.newContext();
    const fresh = await openApp(laptop, token);
    await live(fresh.page).waitFor();
    await card(fresh.page, 'Later still').waitFor();
    await expect(card(fresh.page, 'After the unreadable one').count()).resolves.toBe(1);
    await expect(card(fresh.page, 'Before the unreadable one').count()).resolves.toBe(1);
    await notice(fresh.page).waitFor();
    await send('On the fresh device, live');
    await card(fresh.page, 'On the fresh device, live').waitFor();
    expect(fresh.sockets).toHaveLength(1);

    // Dismissed, the notice stays gone on that device.
    await fresh.page.getByRole('button', { name: 'Dismiss this notice' }).click();
    await notice(fresh.page).waitFor({ state: 'detached' });
    await fresh.page.reload();
    await card(fresh.page, 'On the fresh device, live').waitFor();
    await live(fresh.page).waitFor();
    await expect(notice(fresh.page).count()).resolves.toBe(0);
    await Promise.all([phone.close(), laptop.close()]);
  });
});
