import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { appInChromium, openInbox } from './support/app-in-chromium.js';
import { appMenu } from './support/inbox-page.js';

/*
 * Language and theme are preferences like the others: chosen in Settings on
 * one device, they apply there at once (Settings stays open, no reload) and
 * reach the shopper's other open devices live, through the event log. A
 * reload then paints the chosen theme before the app's own code runs.
 */

const app = appInChromium();

const documentState = (page: Page) =>
  page.evaluate(() => ({
    lang: document.documentElement.lang,
    theme: document.documentElement.dataset['theme'] ?? null,
    background: getComputedStyle(document.documentElement).backgroundColor,
  }));

/** base.css's --bg in each theme. */
const LIGHT_BG = 'rgb(245, 246, 248)';
const DARK_BG = 'rgb(17, 19, 24)';

describe('language and theme in Settings', () => {
  it('apply at once without leaving Settings, and switch the shopper’s other device live', async () => {
    const phone = await app.browser.newContext({ colorScheme: 'light', locale: 'en-US' });
    const laptop = await app.browser.newContext({ colorScheme: 'light', locale: 'en-US' });
    const onPhone = await openInbox(phone, app.server, 'e2e-appearance');
    const onLaptop = await openInbox(laptop, app.server, 'e2e-appearance');
    expect(await documentState(onLaptop)).toMatchObject({ lang: 'en', background: LIGHT_BG });

    await appMenu(onPhone, 'Settings');
    await onPhone.getByRole('heading', { name: 'Notification settings' }).waitFor();
    // A reload would drop this marker: the switch must happen in the running page.
    await onPhone.evaluate(() => ((window as { notReloaded?: boolean }).notReloaded = true));

    await onPhone.getByRole('radio', { name: 'Dark' }).check();
    await expect.poll(() => documentState(onPhone)).toMatchObject({ theme: 'dark', background: DARK_BG });
    await onPhone.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');

    // Settings stays open, now in Chinese, with both choices shown.
    await onPhone.getByRole('heading', { name: '通知设置' }).waitFor();
    expect(await onPhone.getByRole('radio', { name: '深色' }).isChecked()).toBe(true);
    expect(await onPhone.getByRole('combobox', { name: '语言' }).inputValue()).toBe('zh-CN');
    expect(await documentState(onPhone)).toEqual({ lang: 'zh-CN', theme: 'dark', background: DARK_BG });
    expect(await onPhone.evaluate(() => (window as { notReloaded?: boolean }).notReloaded)).toBe(true);

    // The laptop follows live: its header speaks Chinese and its colours are dark.
    await onLaptop.getByRole('button', { name: '菜单' }).waitFor({ timeout: 15_000 });
    await expect.poll(() => documentState(onLaptop)).toEqual({ lang: 'zh-CN', theme: 'dark', background: DARK_BG });

    // Back to following the device's light scheme, from the laptop this time.
    await appMenu(onLaptop, '设置');
    await onLaptop.getByRole('radio', { name: '跟随设备' }).check();
    await expect.poll(() => documentState(onPhone), { timeout: 15_000 }).toMatchObject({ theme: 'system', background: LIGHT_BG });
    await phone.close();
    await laptop.close();
  });

  it('paints the chosen theme and language before the app’s code has run, after a reload', async () => {
    const context = await app.browser.newContext({ colorScheme: 'light', locale: 'en-US' });
    const page = await openInbox(context, app.server, 'e2e-appearance-reload');
    await appMenu(page, 'Settings');
    await page.getByRole('radio', { name: 'Dark' }).check();
    await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
    await page.getByRole('heading', { name: '通知设置' }).waitFor();

    // Without the app's bundle, only the boot script in <head> can have set them.
    await page.route('**/assets/*.js', (route) => route.abort());
    await page.reload();
    expect(await documentState(page)).toEqual({ lang: 'zh-CN', theme: 'dark', background: DARK_BG });
    await context.close();
  });

  it('follows the device’s dark scheme when the choice is “system”', async () => {
    const context = await app.browser.newContext({ colorScheme: 'dark', locale: 'zh-CN' });
    const page = await openInbox(context, app.server, 'e2e-appearance-system');
    // No choice yet: the browser's language and the device's scheme.
    await page.getByRole('button', { name: '菜单' }).waitFor();
    expect(await documentState(page)).toMatchObject({ lang: 'zh-CN', background: DARK_BG });
    await appMenu(page, '设置');
    expect(await page.getByRole('radio', { name: '跟随设备' }).isChecked()).toBe(true);
    await page.getByRole('radio', { name: '浅色' }).check();
    await expect.poll(() => documentState(page)).toMatchObject({ theme: 'light', background: LIGHT_BG });
    await context.close();
  });
});
