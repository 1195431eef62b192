import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { messageTo, TEST_MERCHANT_KEY } from '../../server/test-support/test-server.js';
import { appInChromium, openInbox } from './support/app-in-chromium.js';

/*
 * The message view in Chromium: a long message read whole on a 320 px phone,
 * opened by tap and by keyboard, left by Escape and by the back button to the
 * same place in a long list, opened from a link and a reload (also offline),
 * and from a thread's step. Links stay safe even when the stored copy is not.
 */

const app = appInChromium();
const EVENTUALLY = { timeout: 10_000 };
const PHONE = { viewport: { width: 320, height: 640 } };

async function send(userId: string, overrides: Record<string, unknown>): Promise<string> {
  const res = await app.server.send(messageTo([userId], overrides));
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

/** The message view: a region named by the message's title (or by the notice in its place). */
function messageView(page: Page, name: string | RegExp) {
  return page.getByRole('region', { name });
}

/** The id of the focused element, and of the heading of the card (or timeline step) it sits in. */
function focused(page: Page): Promise<{ id: string; within: string | undefined }> {
  return page.evaluate(() => ({
    id: document.activeElement?.id ?? '',
    within: document.activeElement?.closest('h2, h3')?.id,
  }));
}

const scrollY = (page: Page) => page.evaluate(() => Math.round(window.scrollY));

describe('the message view in Chromium', () => {
  it('shows a long message whole on a 320 px phone: body with its line breaks, image, icon, links, sender, times', async () => {
    const shopper = 'e2e-view-long';
    const paragraph = `${'Your parcel left our warehouse in Rotterdam and is with the carrier now. '.repeat(10)}\n\n`;
    // The longest body the server takes (LIMITS.bodyLength), with paragraphs and a word far wider than the screen.
    const body = `${'x'.repeat(300)}\n${paragraph.repeat(6)}`.slice(0, 4000);
    const id = await send(shopper, {
      type: 'user',
      category: 'chat',
      priority: 4,
      sender: { id: 'seller-acme', name: 'Acme Outfitters', role: 'seller' },
      title: 'About your rain jacket: everything you asked, and a little more',
      body,
      url: 'https://shop.example/orders/1042',
      image: '/icons/icon-512.png',
      icon: '/icons/icon-192.png',
      actions: [
        { title: 'Track parcel', url: 'https://carrier.example/t/1042' },
        { title: 'See order', url: '/orders/1042' },
      ],
    });
    const context = await app.browser.newContext(PHONE);
    const page = await openInbox(context, app.server, shopper);
    await page.getByText('1 unread').waitFor();

    await page.getByRole('button', { name: 'About your rain jacket: everything you asked, and a little more' }).click();
    const view = messageView(page, 'About your rain jacket: everything you asked, and a little more');
    await view.waitFor();
    expect(page.url()).toContain(`#message=${encodeURIComponent(id)}`);
    await expect.poll(() => focused(page)).toMatchObject({ id: 'message-view-title' });

    // The whole body, line breaks kept, nothing clamped.
    const text = view.locator('.body');
    await expect(text.innerText()).resolves.toBe(body.trimEnd());
    expect(await text.evaluate((element) => element.scrollHeight <= element.clientHeight + 1)).toBe(true);
    await expect(view.getByText('Chat', { exact: true }).count()).resolves.toBe(1);
    // Once as its badge, once as the smart order's reason under "Why here".
    await expect(view.locator('.meta').getByText('High priority').count()).resolves.toBe(1);
    await expect(view.getByRole('region', { name: 'Why here' }).getByRole('listitem').filter({ hasText: 'High priority' }).count()).resolves.toBe(1);
    await expect(view.locator('time').getAttribute('datetime')).resolves.toMatch(/^\d{4}-\d\d-\d\dT/);
    await expect(view.locator('time').innerText()).resolves.toContain(String(new Date().getFullYear()));
    await expect(view.getByText('just now').count()).resolves.toBe(1);
    await view.getByRole('group', { name: 'About Acme Outfitters' }).getByRole('button', { name: 'Mute Acme Outfitters' }).waitFor();

    // The image is loaded, described by the title, and as wide as the screen allows; the icon beside the title.
    const image = view.getByRole('img', { name: 'About your rain jacket: everything you asked, and a little more' });
    await image.scrollIntoViewIfNeeded();
    await expect.poll(() => image.evaluate((element) => (element as HTMLImageElement).naturalWidth)).toBe(512);
    await expect.poll(() => view.locator('img.icon').evaluate((element) => (element as HTMLImageElement).naturalWidth)).toBe(192);
    // Nothing wider than the phone: not the page, not the image, not the 300-letter word.
    const widest = await page.evaluate(() => Math.max(...[...document.querySelectorAll('.message-view *')].map((element) => element.getBoundingClientRect().right)));
    expect(widest).toBeLessThanOrEqual(320);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);

    // Other sites open in a new tab, without opener or referrer; the app's own pages in place.
    for (const name of ['Open', 'Track parcel']) {
      const link = view.getByRole('link', { name, exact: true });
      await expect(link.getAttribute('target')).resolves.toBe('_blank');
      await expect(link.getAttribute('rel')).resolves.toBe('noopener noreferrer');
    }
    const own = view.getByRole('link', { name: 'See order' });
    await expect(own.getAttribute('href')).resolves.toBe('/orders/1042');
    await expect(own.getAttribute('target')).resolves.toBeNull();

    // Opening it read it.
    await page.getByText('1 unread').waitFor({ state: 'detached' });
    await view.getByRole('button', { name: 'Mark as unread' }).click();
    await page.getByText('1 unread').waitFor();
    await page.getByRole('status').filter({ hasText: 'Marked as unread' }).waitFor();
    await context.close();
  });

  it('opens by keyboard; Escape and the back button return to the same place in a long list, the card focused', async () => {
    const shopper = 'e2e-view-scroll';
    const ids: string[] = [];
    for (let n = 1; n <= 45; n += 1) ids.push(await send(shopper, { title: `Update ${String(n).padStart(2, '0')}`, body: `Step ${n} of your order.` }));
    // Read already (as on another device): opening reads a message, and in priority order a read one ranks lower, so an
    // unread card would move down the list while it is open (see the report on issue 11).
    const at = new Date().toISOString();
    const read = await fetch(`${app.server.url}/api/v1/me/state`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await app.server.tokenFor(shopper)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ changes: ids.map((messageId) => ({ messageId, state: { read: { value: true, at } } })) }),
    });
    expect(read.status).toBe(200);
    const context = await app.browser.newContext({ viewport: { width: 375, height: 700 } });
    const page = await openInbox(context, app.server, shopper);
    await page.getByRole('button', { name: 'Update 45' }).waitFor();
    await page.evaluate(() => window.scrollTo(0, 3000));
    await expect.poll(() => scrollY(page)).toBe(3000);

    // A card in the middle of the screen (clear of the sticky header), reached by keyboard.
    const chosen = await page.locator('article h2 button').evaluateAll((buttons) => {
      const middle = window.innerHeight / 2;
      const inMiddle = buttons.find((button) => {
        const box = button.closest('article')!.getBoundingClientRect();
        return box.top <= middle && box.bottom >= middle;
      })!;
      return { heading: inMiddle.closest('h2')!.id, title: inMiddle.textContent!.trim() };
    });
    await page.locator(`[id="${chosen.heading}"] button`).focus();
    await page.keyboard.press('Enter');
    await messageView(page, chosen.title).waitFor();
    await expect.poll(() => focused(page)).toMatchObject({ id: 'message-view-title' });
    await expect(page.getByRole('list', { name: 'Messages' }).count()).resolves.toBe(0);

    await page.keyboard.press('Escape');
    await messageView(page, chosen.title).waitFor({ state: 'detached' });
    await expect.poll(() => scrollY(page)).toBe(3000);
    await expect.poll(() => focused(page)).toMatchObject({ within: chosen.heading });
    expect(new URL(page.url()).hash).toBe('');

    // A tap on the card where it is (no scrolling first), then the browser's back button (the phone's back gesture is the same history step).
    const box = (await page.locator(`[id="${chosen.heading}"]`).boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await messageView(page, chosen.title).waitFor();
    await page.evaluate(() => window.scrollTo(0, 200));
    await page.goBack();
    await messageView(page, chosen.title).waitFor({ state: 'detached' });
    await expect.poll(() => scrollY(page)).toBe(3000);
    await expect.poll(() => focused(page)).toMatchObject({ within: chosen.heading });
    await context.close();
  });

  it('opens from #message=<id> (a notification click), after a reload, offline; a message not here says so', async () => {
    const shopper = 'e2e-view-link';
    const id = await send(shopper, { title: 'Refund on its way', body: 'We refunded €42.\nIt reaches your card in 3–5 days.' });
    await send(shopper, { title: 'Something else' });
    const context = await app.browser.newContext(PHONE);
    const page = await openInbox(context, app.server, shopper);
    await page.getByRole('button', { name: 'Refund on its way' }).waitFor();

    // What a notification click does to an open window: the address changes to the message.
    await page.evaluate((messageId) => (location.hash = `message=${encodeURIComponent(messageId)}`), id);
    const view = messageView(page, 'Refund on its way');
    await view.waitFor();
    await expect(view.locator('.body').innerText()).resolves.toBe('We refunded €42.\nIt reaches your card in 3–5 days.');

    await page.reload();
    await view.waitFor();
    await expect.poll(() => focused(page)).toMatchObject({ id: 'message-view-title' });

    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await context.setOffline(true);
    await page.reload();
    await view.waitFor();
    await page.getByRole('status', { name: /Offline|Connecting/ }).waitFor();

    // Nothing of ours to go back to (it was opened by the address): Back shows the list.
    await view.getByRole('button', { name: /Back/ }).click();
    await page.getByRole('button', { name: 'Something else' }).waitFor();
    expect(new URL(page.url()).hash).toBe('');

    await page.evaluate(() => (location.hash = 'message=not-on-this-device'));
    const notice = messageView(page, 'This message is not on this device');
    await notice.waitFor();
    await expect.poll(() => focused(page)).toMatchObject({ id: 'message-view-title' });
    await notice.getByRole('button', { name: 'Back' }).click();
    await page.getByRole('button', { name: 'Something else' }).waitFor();
    await context.setOffline(false);
    await context.close();
  });

  it('never makes a link of a javascript: URL: the server refuses it, and the view skips one that got stored', async () => {
    const shopper = 'e2e-view-unsafe';
    for (const overrides of [{ url: 'javascript:alert(1)' }, { actions: [{ title: 'Go', url: 'javascript:alert(1)' }] }, { image: 'javascript:alert(1)' }]) {
      const res = await app.server.send(messageTo([shopper], { title: 'Unsafe', ...overrides }));
      expect(res.status).toBe(400);
    }
    const id = await send(shopper, { title: 'Tampered', url: '/orders/1', image: '/icons/not-there.png' });
    const context = await app.browser.newContext(PHONE);
    const page = await openInbox(context, app.server, shopper);
    await page.getByRole('button', { name: 'Tampered' }).waitFor();

    // A broken image goes quietly.
    await page.getByRole('button', { name: 'Tampered' }).click();
    const view = messageView(page, 'Tampered');
    await view.getByRole('link', { name: 'Open' }).waitFor();
    await expect.poll(() => view.locator('img').count(), EVENTUALLY).toBe(0);
    await page.keyboard.press('Escape');
    await view.waitFor({ state: 'detached' });

    // As if an older version or a bad copy had written the row: straight into IndexedDB, then a fresh load.
    await page.evaluate(async (messageId) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('tidings');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const store = db.transaction('messages', 'readwrite').objectStore('messages');
      const row = await new Promise<Record<string, unknown>>((resolve) => {
        store.get(messageId).onsuccess = (event) => resolve((event.target as IDBRequest).result);
      });
      store.put({
        ...row,
        url: 'javascript:alert(1)',
        image: 'javascript:alert(2)',
        actions: [
          { title: 'Evil', url: 'javascript:alert(3)' },
          { title: 'Fine', url: '/orders/1' },
        ],
      });
      await new Promise((resolve) => (store.transaction.oncomplete = resolve));
      db.close();
    }, id);
    await page.evaluate((messageId) => (location.hash = `message=${encodeURIComponent(messageId)}`), id);
    await page.reload();
    await view.getByRole('link', { name: 'Fine' }).waitFor();
    await expect(view.getByRole('link', { name: 'Open' }).count()).resolves.toBe(0);
    await expect(view.getByText('Evil').count()).resolves.toBe(0);
    await expect(view.locator('[href^="javascript:" i], [src^="javascript:" i]').count()).resolves.toBe(0);
    await context.close();
  });

  it('opens a thread step whole, and back returns to the thread; exact times in the thread', async () => {
    const shopper = 'e2e-view-thread';
    const placed = await send(shopper, { title: 'Order #9 placed', body: 'Thank you!', collapseKey: 'order:9' });
    await send(shopper, { title: 'Order #9 shipped', collapseKey: 'order:9' });
    const context = await app.browser.newContext(PHONE);
    const page = await openInbox(context, app.server, shopper);
    await page.getByText('2 updates').waitFor();

    await page.getByRole('button', { name: 'Order #9 shipped' }).click();
    const thread = page.getByRole('region', { name: 'Order #9 shipped' });
    await thread.getByRole('button', { name: 'Order #9 placed' }).waitFor();
    // Exact times beside the relative ones.
    const times = await thread.locator('time').allInnerTexts();
    expect(times).toHaveLength(2);
    for (const time of times) expect(time).toContain(String(new Date().getFullYear()));
    await expect(thread.getByText('just now').count()).resolves.toBe(2);

    await thread.getByRole('button', { name: 'Order #9 placed' }).click();
    const view = messageView(page, 'Order #9 placed');
    await view.waitFor();
    await view.getByRole('button', { name: 'Part of: Order #9 shipped (2 updates)' }).waitFor();
    await page.goBack();
    await view.waitFor({ state: 'detached' });
    await thread.waitFor();
    await expect.poll(() => focused(page)).toMatchObject({ id: `thread-entry-${placed}` });

    // From the message, its thread; back returns to the message.
    await thread.getByRole('button', { name: 'Order #9 placed' }).click();
    await view.getByRole('button', { name: 'Part of: Order #9 shipped (2 updates)' }).click();
    await thread.waitFor();
    await view.waitFor({ state: 'detached' });
    await page.goBack();
    await view.waitFor();
    await expect.poll(() => focused(page)).toMatchObject({ id: 'message-view-title' });

    // Escape too.
    await page.keyboard.press('Escape');
    await thread.waitFor();
    await expect.poll(() => focused(page)).toMatchObject({ id: `thread-entry-${placed}` });
    await thread.getByRole('button', { name: /Back/ }).click();
    await page.getByText('2 updates').waitFor();
    await expect.poll(() => focused(page)).toMatchObject({ within: expect.stringMatching(/^message-/) });
    await context.close();
  });

  it('says so when the open message is deleted (undo brings it back), retracted by the merchant, or expires', async () => {
    const shopper = 'e2e-view-gone';
    const id = await send(shopper, { title: 'You won a prize', category: 'promotion' });
    const context = await app.browser.newContext(PHONE);
    const page = await openInbox(context, app.server, shopper);
    await page.getByRole('button', { name: 'You won a prize' }).click();
    const view = messageView(page, 'You won a prize');
    await view.waitFor();

    await view.getByRole('button', { name: 'Delete' }).click();
    await messageView(page, 'This message was deleted').waitFor();
    await page.getByRole('button', { name: 'Undo' }).click();
    await view.waitFor();

    const retracted = await fetch(`${app.server.url}/api/v1/messages/${id}/retract`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_MERCHANT_KEY}` },
    });
    expect(retracted.status).toBe(200);
    const notice = messageView(page, 'The sender withdrew this message');
    await notice.waitFor(EVENTUALLY);
    await expect(page.getByText('You won a prize').count()).resolves.toBe(0);
    await notice.getByRole('button', { name: 'Back' }).click();
    await page.getByText('No messages yet').waitFor();

    // An offer that ends while it is open: at expiresAt, not at the inbox clock's next minute.
    await send(shopper, { title: 'Flash sale: two hours left', category: 'promotion', expiresAt: new Date(Date.now() + 8_000).toISOString() });
    await page.getByRole('button', { name: 'Flash sale: two hours left' }).click();
    await messageView(page, 'Flash sale: two hours left').waitFor();
    const expired = messageView(page, 'This message has expired');
    await expired.waitFor({ timeout: 20_000 });
    await expect(expired.getByText('Flash sale: two hours left').count()).resolves.toBe(0);
    await context.close();
  });
});
