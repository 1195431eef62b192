import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { DemoInfo } from '../../shared/auth.schema.js';
import type { TestServer } from '../../server/test-support/test-server.js';
import { openInbox } from './support/app-in-chromium.js';
import { axeViolations } from './support/axe.js';
import { appMenu } from './support/inbox-page.js';
import { expectNoOverflow } from './support/layout-checks.js';
import { startDemoShop, stopDemoShop } from './support/demo-shop.js';

/*
 * The merchant console follows the same themes as the shopper's app (issue
 * 11): System, Light or Dark from its header, kept on the device — the
 * setting the shopper's app keeps — painted before the first frame after a
 * reload, accessible and fitting a phone in dark.
 */

/** base.css's --bg in each theme. */
const LIGHT_BG = 'rgb(245, 246, 248)';
const DARK_BG = 'rgb(17, 19, 24)';
const PHONE = { width: 375, height: 812 };

let browser: Browser;
let server: TestServer;
let demo: DemoInfo;
beforeAll(async () => {
  ({ browser, server, demo } = await startDemoShop());
});
afterAll(() => stopDemoShop({ browser, server }));

const documentState = (page: Page) =>
  page.evaluate(() => ({
    theme: document.documentElement.dataset['theme'] ?? null,
    background: getComputedStyle(document.documentElement).backgroundColor,
  }));

async function openConsole(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${server.url}/console.html#send`);
  await page.getByRole('button', { name: `Use the demo key of ${demo.shopName}` }).waitFor();
  return page;
}

const themeSwitch = (page: Page) => page.getByRole('combobox', { name: 'Theme' });

describe('the console’s theme', () => {
  it('turns dark when Dark is chosen, and stays dark after a reload, painted before the app’s code runs', async () => {
    const context = await browser.newContext({ colorScheme: 'light', locale: 'en-GB' });
    const page = await openConsole(context);
    expect(await documentState(page)).toEqual({ theme: null, background: LIGHT_BG });
    expect(await themeSwitch(page).inputValue()).toBe('system');

    await themeSwitch(page).selectOption('dark');
    await expect.poll(() => documentState(page)).toEqual({ theme: 'dark', background: DARK_BG });

    await page.reload();
    await page.getByRole('button', { name: `Use the demo key of ${demo.shopName}` }).waitFor();
    expect(await documentState(page)).toEqual({ theme: 'dark', background: DARK_BG });
    expect(await themeSwitch(page).inputValue()).toBe('dark');

    // Without the console's bundle, only the boot script in <head> can have set it.
    await page.route('**/assets/*.js', (route) => route.abort());
    await page.reload();
    expect(await documentState(page)).toEqual({ theme: 'dark', background: DARK_BG });

    await page.unroute('**/assets/*.js');
    await page.reload();
    await themeSwitch(page).selectOption('system');
    await expect.poll(() => documentState(page)).toEqual({ theme: 'system', background: LIGHT_BG });
    await context.close();
  });

  it('shows the theme chosen in the shopper’s app on the same device, live and after a reload', async () => {
    const context = await browser.newContext({ colorScheme: 'light', locale: 'en-GB' });
    const beside = await openConsole(context);
    const inbox = await openInbox(context, server, 'e2e-console-theme');
    await appMenu(inbox, 'Settings');
    await inbox.getByRole('radio', { name: 'Dark' }).check();
    await expect.poll(() => documentState(inbox)).toMatchObject({ background: DARK_BG });

    // The console open beside it switches without a reload.
    await expect.poll(() => documentState(beside)).toEqual({ theme: 'dark', background: DARK_BG });
    expect(await themeSwitch(beside).inputValue()).toBe('dark');

    const later = await openConsole(context);
    expect(await documentState(later)).toEqual({ theme: 'dark', background: DARK_BG });
    expect(await themeSwitch(later).inputValue()).toBe('dark');
    await context.close();
  });

  it('has no axe violation and nothing sticks out at 375 px in dark, signed in', async () => {
    const context = await browser.newContext({ colorScheme: 'light', locale: 'en-GB', viewport: PHONE });
    const page = await openConsole(context);
    await themeSwitch(page).selectOption('dark');
    await expect.poll(() => documentState(page)).toEqual({ theme: 'dark', background: DARK_BG });
    expect(await axeViolations(page), 'sign-in').toEqual([]);
    await expectNoOverflow(page, 'dark sign-in');

    await page.getByRole('button', { name: `Use the demo key of ${demo.shopName}` }).click();
    await page.locator('form.send-form').waitFor();
    expect(await axeViolations(page), 'Send').toEqual([]);
    await expectNoOverflow(page, 'dark Send');

    // In Chinese too: the header's switches and buttons change with the language, live.
    await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
    await page.getByRole('combobox', { name: '主题' }).waitFor();
    await page.getByRole('button', { name: '退出登录' }).waitFor();
    // …and so does the form below it, which reads its words from the same live strings.
    await page.getByText('发送给', { exact: true }).first().waitFor();
    expect(await page.getByRole('combobox', { name: '主题' }).locator('option:checked').textContent()).toBe('☾ 深色');
    await expectNoOverflow(page, 'dark Send in Chinese');
    await context.close();
  });
});
