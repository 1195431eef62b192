import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { DemoInfo } from '../../shared/auth.schema.js';
import type { TestServer } from '../../server/test-support/test-server.js';
import { axeViolations } from './support/axe.js';
import { expectNoOverflow } from './support/layout-checks.js';
import { saveTimeZone, wallClockInDays } from './support/shopper-zones.js';
import { startDemoShop, stopDemoShop } from './support/demo-shop.js';

/*
 * The send form's "at each shopper's local time" (issue 15): the merchant
 * picks a wall-clock time and a zone for shoppers without one, reads where it
 * lands first and last (and the daylight-saving rule when the clocks skip it),
 * sends, gets a 202, and the status panel shows the message zone by zone; it
 * can be cancelled there. At phone and desktop size.
 */

let browser: Browser;
let server: TestServer;
let demo: DemoInfo;
beforeAll(async () => {
  ({ browser, server, demo } = await startDemoShop());
  // Chen never chose a zone: the fallback zone applies.
  await saveTimeZone(server, 'alice', 'Asia/Shanghai');
  await saveTimeZone(server, 'bob', 'America/Los_Angeles');
});
afterAll(() => stopDemoShop({ browser, server }));

async function openSendForm(viewport: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'en-GB' });
  const page = await context.newPage();
  await page.goto(`${server.url}/console.html#send`);
  await page.getByRole('button', { name: `Use the demo key of ${demo.shopName}` }).click();
  await page.locator('form.send-form').waitFor();
  return page;
}

describe.each([
  ['phone', { width: 375, height: 812 }],
  ['desktop', { width: 1280, height: 800 }],
])('a message at each shopper’s local time, at %s size', (_name, viewport) => {
  it('previews the first and last zone, sends with a 202 and shows its zones, and can be cancelled', async () => {
    const page = await openSendForm(viewport);
    const title = `Happy birthday (${viewport.width})`;
    await page.getByLabel('Title', { exact: true }).fill(title);
    for (const shopper of demo.shoppers) await page.getByRole('checkbox', { name: new RegExp(shopper.name.split(' ')[0]!) }).check();
    await page.getByRole('radio', { name: 'At each shopper’s local time' }).check();

    // 02:30 on the day the United States spring forward in 2027 does not exist there.
    const clock = page.getByLabel('Date and time on the shopper’s clock');
    await clock.fill('2027-03-14T02:30');
    const gap = page.getByTestId('local-time-gap');
    await gap.getByText(/^02:30 does not exist that day in .*America\//).waitFor();
    expect(await gap.textContent()).toContain('the moment the clocks change (03:00 in America/');

    const wall = wallClockInDays(2, 9);
    await clock.fill(wall);
    await page.getByLabel('Time zone of shoppers who never chose one').selectOption('Europe/Berlin');
    const preview = page.getByTestId('local-time-preview');
    await preview.getByText('Delivers at 09:00 in each shopper’s time zone').waitFor();
    // UTC+14 is first, the evening before; UTC−11 last, at 20:00 UTC on the day.
    expect(await preview.locator('strong').textContent()).toMatch(
      /^Delivers at 09:00 in each shopper’s time zone: first Pacific\/Kiritimati at 19:00 UTC the day before, last \S+ at 20:00 UTC$/,
    );
    expect(await preview.textContent()).toContain('the console does not know which zones your shoppers use');
    expect(await gap.count()).toBe(0);
    await expectNoOverflow(page, 'the send form with a local-time preview', { boxes: 'form.send-form' });
    expect(await axeViolations(page)).toEqual([]);

    const accepted = page.waitForResponse((res) => res.url().endsWith('/api/v1/messages') && res.request().method() === 'POST');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const response = await accepted;
    expect(response.status()).toBe(202);
    const { id } = (await response.json()) as { id: string };
    expect(JSON.parse(response.request().postData()!)).toMatchObject({ deliverAtLocal: wall, fallbackTz: 'Europe/Berlin' });

    const outcome = page.locator('.outcome');
    await outcome.locator('.status .line').getByText('Scheduled').waitFor();
    const progress = outcome.getByTestId('local-time-progress');
    await progress.getByText('3 time zones').click();
    const zones = await progress.locator('.zones .zone').allTextContents();
    expect(zones).toEqual(['Asia/Shanghai', 'Europe/Berlin', 'America/Los_Angeles']);
    expect(await progress.getByRole('definition').allTextContents()).toEqual(['3', '0', '0']);
    await progress.getByText(/^First Asia\/Shanghai \(.+\), last America\/Los_Angeles \(.+\)$/).waitFor();
    await expectNoOverflow(page, 'the status of a local-time message', { boxes: 'article.outcome' });
    expect(await axeViolations(page)).toEqual([]);

    await outcome.getByRole('button', { name: 'Cancel sending' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this scheduled message?' });
    await dialog.getByRole('button', { name: 'Cancel sending' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await outcome.locator('.status .line').getByText('Cancelled').waitFor();
    const status = await fetch(`${server.url}/api/v1/messages/${id}`, { headers: { authorization: `Bearer ${demo.merchantKey}` } });
    expect(await status.json()).toMatchObject({ status: 'cancelled', localTime: { sent: 0 } });
    await page.context().close();
  });
});

describe('the local-time choices in Simplified Chinese', () => {
  it('names the choice, the fields and the preview in Chinese', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${server.url}/console.html#send`);
    await page.locator('button.primary[type="button"]').first().click();
    await page.getByRole('radio', { name: '按每位顾客的当地时间' }).check();
    await page.getByLabel('顾客当地的日期和时间').fill(wallClockInDays(2, 9));
    await page.getByTestId('local-time-preview').getByText(/^在每位顾客时区的 09:00 送达：最早 Pacific\/Kiritimati（UTC 前一天 19:00）/).waitFor();
    await page.getByRole('radio', { name: '重复发送' }).check();
    await page.getByLabel('重复所用的时区').selectOption('recipient');
    await page.getByLabel('重复：cron 表达式（可选）').fill('0 9 * * *');
    await page.getByTestId('local-time-preview').getByText(/^按每位顾客时区的下一次执行：最早 /).waitFor();
    expect(await page.getByTestId('cron-words').textContent()).toBe('每天 09:00（每位顾客的时区）');
    await page.getByLabel('未设置时区的顾客所用时区').waitFor();
    await expectNoOverflow(page, 'the repeat in each shopper’s zone, in Chinese', { boxes: 'form.send-form' });
    await context.close();
  });
});
