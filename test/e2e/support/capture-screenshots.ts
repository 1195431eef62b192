/**
 * Captures the README's screenshots from the built app in headless Chromium
 * with a few realistic messages: `npm run build && npx tsx test/e2e/support/capture-screenshots.ts`.
 */
import path from 'node:path';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { PACKAGE_ROOT } from '../../../server/config.js';
import { messageTo, startTestServer, tempDir, TEST_MERCHANT_KEY } from '../../../server/test-support/test-server.js';
import { CLIENT_DIST, launchChromium } from './browser.js';
import { appMenu } from './inbox-page.js';
import { SHOWCASE_MESSAGES as MESSAGES } from './showcase-messages.js';
import { saveTimeZone, wallClockInDays } from './shopper-zones.js';

const OUT = path.join(PACKAGE_ROOT, 'docs', 'screenshots');
const SHOPPER = 'shopper-ana';

async function shot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(OUT, name) });
}

const server = await startTestServer({ dataDir: tempDir(), staticDir: CLIENT_DIST });
const browser = await launchChromium();
try {
  for (const message of MESSAGES) await server.send(messageTo([SHOPPER], message));
  const open = async (options: BrowserContextOptions, shopper = SHOPPER) => {
    const context = await browser.newContext({ viewport: { width: 412, height: 900 }, deviceScaleFactor: 1, ...options });
    const page = await context.newPage();
    await page.goto(`${server.url}/#token=${await server.tokenFor(shopper)}`);
    await page.locator('article').first().waitFor();
    return { context, page };
  };

  const light = await open({ colorScheme: 'light', locale: 'en-US' });
  await shot(light.page, 'inbox-light.png');
  await light.page.getByRole('button', { name: 'More filters' }).click();
  await light.page.getByRole('button', { name: 'Order', exact: true }).click();
  await light.page.getByRole('button', { name: 'Shipping', exact: true }).click();
  await shot(light.page, 'filters.png');
  await light.page.getByRole('button', { name: 'Clear filters' }).click();
  await light.page.getByRole('button', { name: 'Order #1042 shipped' }).click();
  await shot(light.page, 'thread.png');
  await light.context.close();

  const dark = await open({ colorScheme: 'dark', locale: 'en-US' });
  await shot(dark.page, 'inbox-dark.png');
  await appMenu(dark.page, 'Settings');
  await shot(dark.page, 'preferences-dark.png');
  await dark.context.close();

  const zh = await open({ colorScheme: 'light', locale: 'zh-CN' });
  await shot(zh.page, 'inbox-zh-CN.png');
  await zh.context.close();

  // A 375 × 812 phone: the inbox, a card's ⋮ menu, a message whole, the dark theme.
  const phone = { viewport: { width: 375, height: 812 }, locale: 'en-US' };
  const onPhone = await open({ ...phone, colorScheme: 'light' });
  await shot(onPhone.page, 'phone-inbox.png');
  await onPhone.page.getByRole('article').nth(1).getByRole('button', { name: 'More actions' }).click();
  await shot(onPhone.page, 'phone-menu.png');
  await onPhone.page.keyboard.press('Escape');
  await onPhone.page.getByRole('button', { name: 'Lin Mei replied to your question' }).click();
  await shot(onPhone.page, 'phone-message.png');
  await onPhone.context.close();
  const darkPhone = await open({ ...phone, colorScheme: 'dark' });
  await shot(darkPhone.page, 'phone-inbox-dark.png');
  await darkPhone.context.close();

  // The merchant console, on a desktop and a phone: Send with its previews, Sent messages, the Dashboard.
  await saveTimeZone(server, SHOPPER, 'Asia/Shanghai');
  await saveTimeZone(server, 'shopper-ben', 'America/Los_Angeles');
  const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
  await server.send(messageTo([SHOPPER, 'shopper-ben'], { category: 'promotion', title: 'Flash sale tomorrow at 10:00', deliverAt: inAnHour }));
  await server.send(
    messageTo([SHOPPER, 'shopper-ben', 'shopper-cai'], { category: 'account', title: 'Happy birthday from the shop', deliverAtLocal: wallClockInDays(2, 9) }),
  );
  const consoleAt = async (viewport: { width: number; height: number }, tab: string) => {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1, colorScheme: 'light', locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${server.url}/console.html#${tab}`);
    await page.getByRole('textbox', { name: 'Merchant key' }).fill(TEST_MERCHANT_KEY);
    await page.getByRole('textbox', { name: 'Merchant key' }).press('Enter');
    return { context, page };
  };
  const fillSendForm = async (page: Page) => {
    await page.getByRole('button', { name: 'Order shipped' }).click();
    await page.getByLabel('Shopper ids').fill(`${SHOPPER}, shopper-ben`);
    await page.getByRole('radio', { name: 'At each shopper’s local time' }).check();
    await page.getByLabel('Date and time on the shopper’s clock').fill(wallClockInDays(1, 9));
    await page.getByTestId('local-time-preview').waitFor();
  };
  for (const [size, viewport] of [
    ['desktop', { width: 1280, height: 800 }],
    ['phone', { width: 375, height: 812 }],
  ] as const) {
    const send = await consoleAt(viewport, 'send');
    await fillSendForm(send.page);
    await send.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    // On a desktop one screen holds the When fieldset and the previews; a phone needs two.
    if (size === 'phone') {
      await send.page.getByTestId('local-time-preview').scrollIntoViewIfNeeded();
      await shot(send.page, 'console-send-phone.png');
    }
    await send.page.locator('.previews').scrollIntoViewIfNeeded();
    await shot(send.page, `console-previews-${size}.png`);
    await send.context.close();
    const history = await consoleAt(viewport, 'history');
    const birthday = history.page.getByRole('article', { name: 'Happy birthday from the shop' });
    await birthday.getByTestId('local-time-progress').waitFor();
    await birthday.getByText('3 time zones').click();
    await shot(history.page, `console-history-${size}.png`);
    await history.context.close();
    const dashboard = await consoleAt(viewport, 'dashboard');
    await dashboard.page.getByRole('img', { name: /per day/ }).locator('canvas').first().waitFor();
    await shot(dashboard.page, `console-dashboard-${size}.png`);
    await dashboard.context.close();
  }

  // The smart order after the shopper opened a few offers: each card's reason, and "Why here" in the message view.
  const SMART_SHOPPER = 'shopper-smart';
  for (const message of MESSAGES) await server.send(messageTo([SMART_SHOPPER], message));
  const offers = ['Flash deal: espresso cups', 'Flash deal: linen towels', 'Flash deal: chef’s knife', 'Flash deal: oven mitts'];
  for (const title of offers) await server.send(messageTo([SMART_SHOPPER], { category: 'promotion', priority: 2, title }));
  const smart = await open({ ...phone, colorScheme: 'light' }, SMART_SHOPPER);
  for (const title of offers) {
    await smart.page.getByRole('button', { name: title }).click();
    await smart.page.getByRole('button', { name: /Back/ }).first().click();
  }
  await smart.page.getByRole('combobox', { name: 'Sort order' }).selectOption({ label: 'Smart' });
  await smart.page.evaluate(() => window.scrollTo(0, 0));
  await shot(smart.page, 'phone-smart-inbox.png');
  await smart.page.getByRole('button', { name: 'Weekend sale: 20% off kitchenware' }).click();
  await smart.page.getByRole('region', { name: 'Why here' }).scrollIntoViewIfNeeded();
  await shot(smart.page, 'phone-smart-why.png');
  await smart.context.close();
  console.log(`screenshots in ${OUT}`);
} finally {
  await browser.close();
  await server.close();
}
