import { describe, expect, it } from 'vitest';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { messageTo } from '../../server/test-support/test-server.js';
import { appInChromium, openInbox } from './support/app-in-chromium.js';
import { appMenu, card, cardAction } from './support/inbox-page.js';
import { expectNoOverflow, layoutOffenders } from './support/layout-checks.js';

/*
 * The shopper's app laid out for a phone first (and still right on a
 * desktop): nothing sticks out of the screen or out of its card at any width
 * from 320 px, whatever the messages hold; cards as tall as their content in
 * a list that still reaches every message; a compact, opaque header; chips
 * that show they scroll; the ⋮ menu by keyboard.
 */

const app = appInChromium();
const EVENTUALLY = { timeout: 10_000 };
const phone = (width = 375): BrowserContextOptions => ({ viewport: { width, height: 812 } });

const LONG_TITLE = 'Your order of the Ultralight Waterproof Trekking Jacket (Midnight Blue, size M) has shipped from Rotterdam';
const THREAD_TITLE = 'Parcel out for delivery today between 9:00 and 12:00';

async function send(userId: string, overrides: Record<string, unknown>): Promise<void> {
  const res = await app.server.send(messageTo([userId], overrides));
  expect(res.status).toBe(202);
}

/** Everything a card can carry, at its longest, and a thread whose badges crowd the time. */
async function sendEverything(userId: string): Promise<void> {
  await send(userId, { category: 'account', priority: 5, title: 'Card declined', body: 'Update your payment method.' });
  await send(userId, { category: 'promotion', priority: 2, title: 'Weekend sale', image: '/icons/icon-512.png', url: 'https://shop.example/sale' });
  for (const step of ['Order placed', 'Order shipped', THREAD_TITLE]) {
    await send(userId, { category: 'shipping', priority: 4, collapseKey: 'order:7', title: step, body: 'Tracking 1Z999AA10123456784.' });
  }
  await send(userId, {
    type: 'user',
    category: 'chat',
    priority: 4,
    sender: { id: 'seller-acme', name: 'Acme Outfitters International Trading Company', role: 'seller' },
    title: LONG_TITLE,
    body: `${'https://carrier.example/track/'.padEnd(120, 'x')} ${'It left our warehouse this morning. '.repeat(12)}`,
    url: 'https://shop.example/orders/1042',
    icon: '/icons/icon-192.png',
    image: '/icons/icon-512.png',
    actions: [
      { title: 'Track your parcel on the carrier website', url: 'https://carrier.example/t/1042' },
      { title: 'Change the delivery address', url: '/orders/1042/delivery' },
    ],
  });
}

/** The colours' contrast ratio (WCAG 2), from two computed `rgb(…)` values. */
function contrast(foreground: string, background: string): number {
  const luminance = (color: string) => {
    const [r, g, b] = (color.match(/[\d.]+/g) ?? []).slice(0, 3).map((part) => {
      const c = Number(part) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const [dark, light] = [luminance(foreground), luminance(background)].sort((a, b) => a - b);
  return (light! + 0.05) / (dark! + 0.05);
}

const scrollY = (page: Page) => page.evaluate(() => Math.round(window.scrollY));

describe('the inbox on a phone, in Chromium', () => {
  for (const width of [320, 375, 430, 1280]) {
    it(`keeps everything inside the screen and its card at ${width} px: inbox, menus, filters, thread, message, settings`, async () => {
      const shopper = `e2e-layout-${width}`;
      await sendEverything(shopper);
      const context = await app.browser.newContext(phone(width));
      const page = await openInbox(context, app.server, shopper);
      await card(page, LONG_TITLE).waitFor();
      await card(page, THREAD_TITLE).getByText('3 updates').waitFor();
      await page.locator('article img.thumb').first().waitFor();
      await expectNoOverflow(page, 'the inbox');

      // The long card: icon, thumbnail, its own links in view, the rest behind ⋮.
      const long = card(page, LONG_TITLE);
      await expect(long.locator('img.icon').count()).resolves.toBe(1);
      await expect(long.locator('img.thumb').count()).resolves.toBe(1);
      await long.getByRole('link', { name: 'Open' }).waitFor();
      await long.getByRole('link', { name: 'Change the delivery address' }).waitFor();
      // The title is cut with an ellipsis at two lines, not mid-character at one.
      const clamp = await long.locator('.clamp').evaluate((element) => ({
        clamp: getComputedStyle(element).webkitLineClamp,
        cut: element.scrollHeight > element.clientHeight,
      }));
      expect(clamp).toEqual({ clamp: '2', cut: width < 1000 });

      await long.getByRole('button', { name: 'More actions' }).click();
      await page.getByRole('menuitem', { name: 'Delete' }).waitFor();
      await expectNoOverflow(page, 'a card’s open menu');
      await page.keyboard.press('Escape');

      await page.getByRole('banner').getByRole('button', { name: 'Menu' }).click();
      await page.getByRole('menuitem', { name: 'Sign out' }).waitFor();
      await expectNoOverflow(page, 'the header’s open menu');
      await page.keyboard.press('Escape');

      await page.getByRole('button', { name: 'More filters' }).click();
      await expectNoOverflow(page, 'every filter shown');
      await page.getByRole('button', { name: 'More filters' }).click();

      // A thread's card says in its menu what a tap on it does.
      await cardAction(page, THREAD_TITLE, 'Open all 3 updates');
      await page.locator('.timeline h3').first().waitFor();
      await expectNoOverflow(page, 'the thread view');
      await page.getByRole('button', { name: /Back/ }).first().click();

      await page.getByRole('button', { name: LONG_TITLE }).click();
      await page.getByRole('region', { name: LONG_TITLE }).waitFor();
      await expectNoOverflow(page, 'the message view');
      await page.keyboard.press('Escape');
      await card(page, LONG_TITLE).waitFor();

      // The smart order: each card says in one line why it is where it is.
      await page.getByRole('combobox', { name: 'Sort order' }).selectOption({ label: 'Smart' });
      await card(page, 'Weekend sale').getByText('Ordered by priority and time').waitFor();
      await expectNoOverflow(page, 'the smart order');

      await appMenu(page, 'Settings');
      await page.getByRole('heading', { name: 'Notification settings' }).waitFor();
      await expectNoOverflow(page, 'Settings');
      await context.close();
    });
  }

  it('the checker fails on what overflows: past the screen, out of a card, cut by a clipping box; not on a row that scrolls', async () => {
    const shopper = 'e2e-layout-checker';
    await send(shopper, { title: 'A card to break' });
    const context = await app.browser.newContext(phone());
    const page = await openInbox(context, app.server, shopper);
    await card(page, 'A card to break').waitFor();
    expect(await layoutOffenders(page)).toEqual([]);

    await page.evaluate(() => {
      const target = document.querySelector('article.card')!;
      target.insertAdjacentHTML(
        'beforeend',
        `<div id="too-wide" style="width: 600px; height: 10px"></div>
         <div style="overflow: hidden; width: 60px"><button id="cut-off" style="white-space: nowrap">Delete this message</button></div>
         <div style="overflow-x: auto; width: 100px"><span id="scrolls" style="display: inline-block; width: 900px; height: 5px"></span></div>`,
      );
    });
    const offenders = await layoutOffenders(page);
    const problem = (id: string) => offenders.find((offender) => offender.selector.includes(`#${id}`))?.problem;
    expect(problem('too-wide')).toMatch(/outside the viewport/);
    expect(problem('cut-off')).toMatch(/^cut by .*> div \(/);
    expect(problem('scrolls')).toBeUndefined();
    // The page itself now scrolls sideways.
    expect(offenders.map((offender) => offender.selector)).toContain('html');

    // Wider than its card, yet inside the screen.
    await page.evaluate(() => {
      document.querySelector('#too-wide')!.remove();
      document.querySelector('article.card')!.insertAdjacentHTML('beforeend', '<div id="past-card" style="margin-left: 200px; width: 140px; height: 5px"></div>');
    });
    expect((await layoutOffenders(page)).find((offender) => offender.selector.includes('#past-card'))?.problem).toMatch(/outside its .*article\.card/);
    await context.close();
  });

  it('sizes cards by their content, and scrolls to the end with every message reachable and no row over another', async () => {
    const shopper = 'e2e-layout-scroll';
    const count = 70;
    for (let index = 0; index < count; index += 1) {
      await send(shopper, {
        title: `Message ${index}${index % 4 === 0 ? ': a title long enough to wrap onto a second line on a phone' : ''}`,
        ...(index % 3 === 0 ? { body: 'A body that runs over two lines on a phone, so its card is taller than a card without one.'.repeat(2) } : {}),
        ...(index % 5 === 0 ? { url: `/orders/${index}` } : {}),
      });
    }
    const context = await app.browser.newContext(phone());
    const page = await openInbox(context, app.server, shopper);
    await card(page, `Message ${count - 1}`).waitFor();

    const heights = await page.locator('article.card').evaluateAll((cards) => cards.map((element) => Math.round(element.getBoundingClientRect().height)));
    expect(new Set(heights).size).toBeGreaterThan(2);

    // Focus a card's ⋮, scroll far away: the row holding focus is kept, focus is not dropped.
    const focused = card(page, `Message ${count - 1}`).getByRole('button', { name: 'More actions' });
    await focused.focus();

    const seen = new Set<string>();
    for (let step = 0; step < 200; step += 1) {
      const rows = await page.locator('ul[aria-label="Messages"] > li').evaluateAll((items) =>
        items.map((item) => ({ top: item.getBoundingClientRect().top, bottom: item.getBoundingClientRect().bottom, title: item.querySelector('h2')?.textContent?.trim() ?? '' })),
      );
      rows.sort((a, b) => a.top - b.top);
      for (let index = 1; index < rows.length; index += 1) expect(rows[index]!.top).toBeGreaterThanOrEqual(rows[index - 1]!.bottom - 1);
      for (const row of rows) seen.add(row.title.replace(/:.*/, ''));
      const atEnd = await page.evaluate(() => window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2);
      if (atEnd && seen.size === count) break;
      await page.mouse.wheel(0, 600);
      await page.waitForTimeout(50);
    }
    expect(seen.size).toBe(count);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('More actions');
    expect(await focused.evaluate((element) => element === document.activeElement)).toBe(true);
    expect(await scrollY(page)).toBeGreaterThan(2_000);
    await context.close();
  });

  it('works the ⋮ menu by keyboard: arrows, Home and End, Escape back to the button, a click outside; choosing archives with undo', async () => {
    const shopper = 'e2e-layout-menu';
    await send(shopper, { title: 'Keyboard menu' });
    const context = await app.browser.newContext(phone());
    const page = await openInbox(context, app.server, shopper);
    const button = card(page, 'Keyboard menu').getByRole('button', { name: 'More actions' });
    await button.focus();
    expect(await button.getAttribute('aria-haspopup')).toBe('menu');
    expect(await button.getAttribute('aria-expanded')).toBe('false');

    const active = () => page.evaluate(() => document.activeElement?.textContent?.trim() ?? document.activeElement?.getAttribute('aria-label'));
    await page.keyboard.press('Enter');
    await page.getByRole('menu', { name: 'More actions' }).waitFor();
    expect(await button.getAttribute('aria-expanded')).toBe('true');
    await expect.poll(active).toBe('Mark as read');
    await page.keyboard.press('ArrowDown');
    expect(await active()).toBe('Archive');
    await page.keyboard.press('End');
    expect(await active()).toBe('Delete');
    await page.keyboard.press('ArrowDown');
    expect(await active()).toBe('Mark as read');
    await page.keyboard.press('ArrowUp');
    expect(await active()).toBe('Delete');
    await page.keyboard.press('Home');
    expect(await active()).toBe('Mark as read');

    await page.keyboard.press('Escape');
    await page.getByRole('menu').waitFor({ state: 'detached' });
    expect(await button.evaluate((element) => element === document.activeElement)).toBe(true);
    expect(await button.getAttribute('aria-expanded')).toBe('false');

    // ArrowUp opens on the last item; a click elsewhere closes.
    await page.keyboard.press('ArrowUp');
    await expect.poll(active).toBe('Delete');
    await page.mouse.click(5, 400);
    await page.getByRole('menu').waitFor({ state: 'detached' });

    await button.focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await card(page, 'Keyboard menu').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Undo' }).click();
    await card(page, 'Keyboard menu').waitFor();
    await context.close();
  });

  it('says "N unread in M conversations", is all caught up after archiving, and offers no "Mark all read" in the archive', async () => {
    const shopper = 'e2e-layout-counts';
    for (const step of ['Placed', 'Paid', 'Shipped']) await send(shopper, { title: `Order #5 ${step}`, collapseKey: 'order:5' });
    await send(shopper, { title: 'Welcome' });
    const context = await app.browser.newContext(phone());
    const page = await openInbox(context, app.server, shopper);
    await page.getByRole('banner').getByText('2 unread').waitFor();
    await page.getByText('4 unread in 2 conversations').waitFor();

    await page.getByRole('button', { name: 'Mark all read' }).click();
    await page.getByRole('banner').getByText(/unread/).waitFor({ state: 'detached' });
    await expect(page.getByText(/in 2 conversations/).count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Archive all read' }).click();
    await page.getByText('You’re all caught up').waitFor();
    await expect(page.getByText('No messages yet').count()).resolves.toBe(0);

    await page.getByRole('group', { name: 'Show' }).getByRole('button', { name: 'Archive' }).click();
    await card(page, 'Welcome').waitFor();
    await expect(page.getByRole('button', { name: 'Mark all read' }).count()).resolves.toBe(0);
    await context.close();
  });

  it('keeps the header to one opaque row; the chips show they scroll; "Sort order" is not the category "Order"', async () => {
    const shopper = 'e2e-layout-header';
    await send(shopper, { title: 'Header check', category: 'shipping', priority: 4 });
    for (const width of [320, 375, 430]) {
      const context = await app.browser.newContext(phone(width));
      const page = await openInbox(context, app.server, shopper);
      await card(page, 'Header check').waitFor();
      const header = await page.getByRole('banner').evaluate((element) => ({
        height: element.getBoundingClientRect().height,
        background: getComputedStyle(element).backgroundColor,
        // One row: every part centred on the same line.
        rows: new Set([...element.querySelectorAll('.row > *')].map((child) => Math.round((child.getBoundingClientRect().top + child.getBoundingClientRect().bottom) / 16))).size,
      }));
      expect(header.height).toBeLessThanOrEqual(60);
      expect(header.background).toMatch(/^rgb\(/);
      expect(header.rows).toBe(1);

      const chips = page.getByRole('group', { name: 'Categories' });
      const fade = () => chips.evaluate((element) => ({ scrolls: element.scrollWidth > element.clientWidth, mask: getComputedStyle(element).maskImage }));
      await expect.poll(fade).toMatchObject({ scrolls: true, mask: expect.stringContaining('gradient') });
      await chips.evaluate((element) => element.scrollTo({ left: element.scrollWidth }));
      await expect.poll(async () => (await fade()).mask).toMatch(/^linear-gradient\(to left/);

      await page.getByRole('combobox', { name: 'Sort order' }).waitFor();
      await expect(page.getByRole('combobox', { name: 'Order', exact: true }).count()).resolves.toBe(0);
      await context.close();
    }
  });

  it('moves nothing while it loads: the header keeps its size as its parts arrive (cumulative layout shift well under 0.1)', async () => {
    // A short id, as a real one is: a long one wrapped the old two-row header before anything arrived.
    const shopper = 'ana';
    await sendEverything(shopper);
    const context = await app.browser.newContext(phone());
    // Every layout shift from the first paint on, as Lighthouse adds them up (shifts right after input do not count).
    await context.addInitScript(() => {
      const shifts: number[] = [];
      (window as unknown as { layoutShifts: number[] }).layoutShifts = shifts;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) {
          if (!entry.hadRecentInput) shifts.push(entry.value);
        }
      }).observe({ type: 'layout-shift', buffered: true });
    });
    const page = await openInbox(context, app.server, shopper);
    await card(page, LONG_TITLE).waitFor();
    await page.getByRole('banner').getByRole('button', { name: 'Turn on notifications' }).waitFor();
    await page.waitForTimeout(500);
    const shift = await page.evaluate(() => (window as unknown as { layoutShifts: number[] }).layoutShifts.reduce((sum, value) => sum + value, 0));
    expect(shift).toBeLessThan(0.05);
    await context.close();
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`gives the "High priority" badge at least 4.5:1 contrast in the ${colorScheme} theme`, async () => {
      const shopper = `e2e-layout-contrast-${colorScheme}`;
      await send(shopper, { title: 'Contrast', priority: 4 });
      const context = await app.browser.newContext({ ...phone(), colorScheme });
      const page = await openInbox(context, app.server, shopper);
      const badge = card(page, 'Contrast').getByText('High priority');
      await badge.waitFor(EVENTUALLY);
      const colors = await badge.evaluate((element) => ({ color: getComputedStyle(element).color, background: getComputedStyle(element).backgroundColor }));
      expect(contrast(colors.color, colors.background)).toBeGreaterThanOrEqual(4.5);
      await context.close();
    });
  }
});
