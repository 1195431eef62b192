import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { demoInfoSchema, type DemoInfo } from '../../shared/auth.schema.js';
import { messageTo, startTestServer, type TestServer } from '../../server/test-support/test-server.js';
import { openInbox } from './support/app-in-chromium.js';
import { axeViolations } from './support/axe.js';
import { CLIENT_DIST, launchChromium } from './support/browser.js';
import { appMenu, card } from './support/inbox-page.js';

/*
 * axe-core on every screen a shopper or a merchant meets (issue 11): the
 * sign-in, an inbox with urgent and high-priority messages and a thread, the
 * message view, the thread view, Settings, and the console's sign-in, Send,
 * Sent messages and Dashboard; light and dark, phone and desktop. Each test
 * collects every screen's violations first, so one run lists all there are.
 */

let browser: Browser;
let server: TestServer;
let demo: DemoInfo;
const SHOPPER = 'e2e-a11y';
const ids: Record<string, string> = {};

async function send(key: string, overrides: Record<string, unknown>): Promise<void> {
  const res = await server.send(messageTo([SHOPPER], overrides));
  expect(res.status).toBe(202);
  ids[key] = ((await res.json()) as { id: string }).id;
}

beforeAll(async () => {
  browser = await launchChromium();
  server = await startTestServer({ staticDir: CLIENT_DIST, demo: true });
  demo = demoInfoSchema.parse(await (await fetch(`${server.url}/api/v1/demo`)).json());
  await send('offer', { title: 'Flash sale ends tonight', category: 'promotion', priority: 2, body: '20% off everything in the garden range.' });
  await send('placed', { title: 'Order #77 placed', collapseKey: 'order:77', body: 'Thank you for your order.' });
  await send('shipped', { title: 'Order #77 shipped', collapseKey: 'order:77', priority: 4, body: 'It arrives on Thursday.' });
  await send('urgent', {
    title: 'Payment failed',
    category: 'payment',
    priority: 5,
    body: 'Your card was declined. Update it within 24 hours to keep your order.',
    url: '/orders/77',
    actions: [{ title: 'Update card', url: '/account/cards' }],
  });
  await send('high', { title: 'Your refund is on its way', category: 'payment', priority: 4 });
});
afterAll(async () => {
  await server?.close();
  await browser?.close();
});

const SIZES = [
  ['phone', { width: 375, height: 812 }],
  ['desktop', { width: 1280, height: 800 }],
] as const;
const THEMES = ['light', 'dark'] as const;
/** Whether the page is drawn dark (the root's background is), so axe checked the dark colours. */
function drawnDark(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const [r = 255, g = 255, b = 255] = getComputedStyle(document.documentElement).backgroundColor.match(/\d+/g)!.map(Number);
    return (r + g + b) / 3 < 128;
  });
}

const COMBINATIONS = SIZES.flatMap(([size, viewport]) => THEMES.map((theme) => [size, theme, viewport] as const));

describe.each(COMBINATIONS)('axe at %s size, %s theme', (_size, theme, viewport) => {
  let context: BrowserContext;
  beforeAll(async () => {
    // The app follows the system theme until the shopper picks one.
    context = await browser.newContext({ viewport, colorScheme: theme, locale: 'en-US', reducedMotion: 'reduce' });
  });
  afterAll(() => context?.close());

  it("the shopper's screens have no violation", async () => {
    const found: Record<string, string[]> = {};

    const signIn = await context.newPage();
    await signIn.goto(server.url);
    await signIn.getByRole('button', { name: `Sign in as ${demo.shoppers[0]!.name}` }).waitFor();
    expect(await drawnDark(signIn)).toBe(theme === 'dark');
    found['sign-in'] = await axeViolations(signIn);
    await signIn.close();

    const page = await openInbox(context, server, SHOPPER);
    await page.getByRole('heading', { name: 'Payment failed' }).waitFor();
    await page.getByRole('heading', { name: 'Flash sale ends tonight' }).waitFor();
    found['inbox'] = await axeViolations(page);

    await page.evaluate((id) => (location.hash = `#message=${id}`), ids['urgent']!);
    await page.getByRole('region', { name: 'Payment failed' }).waitFor();
    found['message view'] = await axeViolations(page);
    await page.keyboard.press('Escape');
    await page.getByRole('region', { name: 'Payment failed' }).waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Order #77 shipped' }).click();
    await page.locator('.timeline').waitFor();
    found['thread view'] = await axeViolations(page);
    await page.keyboard.press('Escape');
    await page.locator('.timeline').waitFor({ state: 'detached' });

    await card(page, 'Flash sale ends tonight').getByRole('button', { name: 'More actions' }).click();
    await page.getByRole('menuitem').first().waitFor();
    found['card menu'] = await axeViolations(page);
    await page.keyboard.press('Escape');

    await page.getByRole('combobox', { name: 'Sort order' }).selectOption({ label: 'Smart' });
    await card(page, 'Flash sale ends tonight').getByText('Ordered by priority and time').waitFor();
    found['smart order'] = await axeViolations(page);

    await appMenu(page, 'Settings');
    await page.getByRole('heading', { name: 'Notification settings' }).waitFor();
    found['settings'] = await axeViolations(page);
    await page.close();

    expect(found).toEqual({ 'sign-in': [], inbox: [], 'message view': [], 'thread view': [], 'card menu': [], 'smart order': [], settings: [] });
  });

  it("the merchant console's screens have no violation", async () => {
    const found: Record<string, string[]> = {};
    const page = await context.newPage();
    await page.goto(`${server.url}/console.html#send`);
    await page.getByRole('heading', { name: 'Sign in with a merchant key' }).waitFor();
    expect(await drawnDark(page)).toBe(theme === 'dark');
    found['console sign-in'] = await axeViolations(page);

    await page.getByRole('button', { name: `Use the demo key of ${demo.shopName}` }).click();
    await page.getByRole('heading', { name: 'Send', exact: true, level: 2 }).waitFor();
    found['send'] = await axeViolations(page);

    await page.getByRole('link', { name: 'Sent messages' }).click();
    await page.getByRole('heading', { name: 'Sent messages', level: 2 }).waitFor();
    await page.getByRole('article').first().waitFor();
    found['sent messages'] = await axeViolations(page);

    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('heading', { name: 'Delivery dashboard' }).waitFor();
    found['dashboard'] = await axeViolations(page);
    await page.close();

    expect(found).toEqual({ 'console sign-in': [], send: [], 'sent messages': [], dashboard: [] });
  });
});
