import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { TestServer } from '../../server/test-support/test-server.js';
import { axeViolations } from './support/axe.js';
import { expectNoOverflow } from './support/layout-checks.js';
import { sentMessageIds, startDemoShop, stopDemoShop } from './support/demo-shop.js';

/*
 * The send form's "Group pushes (digest)" fieldset (issue 15) at a 375 × 812
 * phone: a bad key is named on its field and nothing is sent; a good digest
 * is previewed in plain words, sent with a 202, and the status shows it.
 */

const PHONE = { width: 375, height: 812 };
const BOXES = 'fieldset, article, .previews';
const SWITCH = 'Group this message’s pushes with others of the same key';

let browser: Browser;
let server: TestServer;
let merchantKey: string;

beforeAll(async () => {
  const shop = await startDemoShop();
  ({ browser, server } = shop);
  merchantKey = shop.demo.merchantKey;
});
afterAll(() => stopDemoShop({ browser, server }));

const sentIds = () => sentMessageIds(server, merchantKey);

async function openConsole(): Promise<Page> {
  const context = await browser.newContext({ viewport: PHONE, locale: 'en-GB' });
  const page = await context.newPage();
  await page.goto(`${server.url}/console.html#send`);
  await page.locator('button.primary[type="button"]').first().click();
  await page.locator('form.send-form').waitFor();
  return page;
}

/** The field's error, through its aria-describedby, as a screen reader finds it. */
async function errorOf(page: Page, label: string): Promise<string> {
  const field = page.getByLabel(label, { exact: true });
  expect(await field.getAttribute('aria-invalid')).toBe('true');
  const ids = (await field.getAttribute('aria-describedby'))?.split(' ') ?? [];
  const texts = await Promise.all(ids.map((id) => page.locator(`[id="${id}"].field-error`).allTextContents()));
  return texts.flat().join(' ').replace(/^⚠\s*/, '');
}

describe('grouping pushes from the send form', () => {
  it('is off by default and unavailable with a repeat, saying why', async () => {
    const page = await openConsole();
    const toggle = page.getByRole('checkbox', { name: SWITCH });
    expect(await toggle.isChecked()).toBe(false);
    expect(await page.getByLabel('Group key', { exact: true }).count()).toBe(0);

    await page.getByRole('radio', { name: 'Repeating' }).check();
    expect(await toggle.isDisabled()).toBe(true);
    await page.getByText('A repeating message cannot group its pushes').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('radio', { name: 'Now' }).check();
    expect(await toggle.isDisabled()).toBe(false);
    await page.context().close();
  });

  it('names a bad key on its field and sends nothing', async () => {
    const page = await openConsole();
    const before = await sentIds();
    await page.getByLabel('Title', { exact: true }).fill('Price drop');
    await page.getByRole('checkbox', { name: SWITCH }).check();
    await page.getByLabel('Group key', { exact: true }).fill('price drop!');
    await page.getByRole('button', { name: 'Send', exact: true }).click();

    await page.getByRole('alert').filter({ hasText: '1 field needs attention.' }).waitFor();
    expect(await errorOf(page, 'Group key')).toBe('Group key may use only letters, digits and _ . : @ + -');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('send-digest-key');
    await expectNoOverflow(page, 'the send form with a digest error', { boxes: BOXES });
    expect(await sentIds()).toEqual(before);
    await page.context().close();
  });

  it('previews the digest in plain words, sends it with a 202, and the status shows it', async () => {
    const page = await openConsole();
    await page.getByLabel('Title', { exact: true }).fill('Rain jacket now 30% off');
    await page.getByRole('checkbox', { name: SWITCH }).check();
    await page.getByLabel('Group key', { exact: true }).fill('price-drop');
    await page.getByLabel('Group pushes sent within').selectOption({ label: '15 minutes' });
    await page.getByLabel('Summary title (optional)').fill('{count} items dropped in price');

    await page
      .getByText(
        'Shoppers get every message in their inbox at once; pushes with key “price-drop” within 15 minutes become one notification: “5 items dropped in price”',
        { exact: true },
      )
      .waitFor();
    await expectNoOverflow(page, 'the send form with a digest', { boxes: BOXES });
    expect(await axeViolations(page)).toEqual([]);

    const accepted = page.waitForResponse((res) => res.url().endsWith('/api/v1/messages') && res.request().method() === 'POST');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const response = await accepted;
    expect(response.status()).toBe(202);
    expect(JSON.parse(response.request().postData()!)).toMatchObject({
      digest: { key: 'price-drop', windowSeconds: 900, title: '{count} items dropped in price' },
    });

    const outcome = page.locator('.outcome');
    await outcome.locator('.status .digest').getByText(/^Grouped by “price-drop” within 15 minutes · \d+ push(es)? folded into a summary$/).waitFor();
    await expectNoOverflow(page, 'the status of a digest message', { boxes: BOXES });
    await page.context().close();
  });
});
