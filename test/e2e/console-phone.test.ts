import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { demoInfoSchema, type DemoInfo } from '../../shared/auth.schema.js';
import { SQLITE_FILE_NAME } from '../../server/store/sqlite/sqlite-store.js';
import { startTestServer, type TestServer } from '../../server/test-support/test-server.js';
import { CLIENT_DIST, launchChromium } from './support/browser.js';
import { expectNoOverflow } from './support/layout-checks.js';
import { saveTimeZone, wallClockInDays } from './support/shopper-zones.js';

/*
 * The merchant console at a 375 × 812 phone and a 1280 × 800 desktop
 * (issue 11): nothing sticks out sideways, is cut, or leaves its box on the
 * sign-in, the Send form with every fieldset open and its previews, Sent
 * messages with a row in every status (a local-time one with its zones open),
 * and the Dashboard.
 */

const SIZES = [
  ['phone', { width: 375, height: 812 }],
  ['desktop', { width: 1280, height: 800 }],
] as const;
/** Boxes that must hold their content: the form's fieldsets, history rows, outcome cards, previews. */
const BOXES = 'fieldset, article, .previews';
const LONG_TITLE = 'Your-order-#1042-with-a-very-long-unbroken-reference-ABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789 has shipped';

let browser: Browser;
let server: TestServer;
let demo: DemoInfo;

async function asDemoShop(method: string, route: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}/api/v1${route}`, {
    method,
    headers: { authorization: `Bearer ${demo.merchantKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function send(title: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await asDemoShop('POST', '/messages', { to: { userIds: ['alice', 'bob'] }, category: 'shipping', title, ...extra });
  expect(res.status).toBe(202);
  return res.body.id as string;
}

/** One message in each status the history shows, and a local-time one to three zones. */
async function sendOneOfEach(): Promise<void> {
  await send(LONG_TITLE, { body: 'Arriving on Thursday.' });
  await send('Flash sale tomorrow', { deliverAt: new Date(Date.now() + 3_600_000).toISOString(), category: 'promotion' });
  const cancelled = await send('Cancelled reminder', { deliverAt: new Date(Date.now() + 3_600_000).toISOString() });
  expect((await asDemoShop('DELETE', `/messages/${cancelled}`)).status).toBe(200);
  const retracted = await send('Sent by mistake');
  expect((await asDemoShop('POST', `/messages/${retracted}/retract`)).status).toBe(200);
  // Expiry before delivery takes a race against the scheduler; the row only needs the status.
  const expired = await send('Weekend promotion', { deliverAt: new Date(Date.now() + 3_600_000).toISOString(), category: 'promotion' });
  const db = new Database(path.join(server.dataDir, SQLITE_FILE_NAME));
  try {
    db.prepare('UPDATE messages SET status = ? WHERE id = ?').run('expired', expired);
  } finally {
    db.close();
  }
  await send('Happy birthday from the shop', { to: { userIds: ['alice', 'bob', 'chen'] }, category: 'account', deliverAtLocal: wallClockInDays(2, 9) });
}

beforeAll(async () => {
  browser = await launchChromium();
  server = await startTestServer({ staticDir: CLIENT_DIST, demo: true });
  demo = demoInfoSchema.parse(await (await fetch(`${server.url}/api/v1/demo`)).json());
  await saveTimeZone(server, 'alice', 'Asia/Shanghai');
  await saveTimeZone(server, 'bob', 'America/Los_Angeles');
  await sendOneOfEach();
});
afterAll(async () => {
  await server?.close();
  await browser?.close();
});

async function openConsole(viewport: { width: number; height: number }, tab: string): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'en-GB' });
  const page = await context.newPage();
  await page.goto(`${server.url}/console.html#${tab}`);
  await page.getByRole('button', { name: `Use the demo key of ${demo.shopName}` }).waitFor();
  return page;
}

describe.each(SIZES)('the console at %s size', (name, viewport) => {
  it('fits the sign-in', async () => {
    const page = await openConsole(viewport, 'send');
    await expectNoOverflow(page, `${name}: sign-in`, { boxes: BOXES });
    await page.context().close();
  });

  it('fits the Send form with every fieldset open, its previews and its outcome', async () => {
    const page = await openConsole(viewport, 'send');
    await page.getByRole('button', { name: `Use the demo key of ${demo.shopName}` }).click();
    await page.locator('form.send-form').waitFor();
    // A compact header: the language, the inbox link and "Sign out" share one row, even at 375 px.
    const tools = await page.locator('header .tools > *').evaluateAll((elements) =>
      elements.map((element) => ({ top: element.getBoundingClientRect().top, bottom: element.getBoundingClientRect().bottom })),
    );
    expect(tools).toHaveLength(3);
    expect(Math.max(...tools.map((tool) => tool.top))).toBeLessThan(Math.min(...tools.map((tool) => tool.bottom)));
    for (const shopper of demo.shoppers) await page.getByRole('checkbox', { name: new RegExp(shopper.name.split(' ')[0]!) }).check();
    await page.getByLabel('Title', { exact: true }).fill(LONG_TITLE);
    await page.getByLabel('Body (optional)').fill('Arriving on Thursday between 9 and 12. '.repeat(4));
    await page.getByLabel('Link (optional)').fill('/orders/1042');
    await page.getByLabel('Collapse key (optional)').fill('order:1042');
    await page.getByLabel('Icon URL (optional)').fill('/icons/icon-192.png');
    await page.getByLabel('Image URL (optional)').fill('/icons/icon-512.png');
    for (const [position, label] of ['Track parcel', 'Change the delivery address'].entries()) {
      await page.getByRole('button', { name: 'Add a button' }).click();
      await page.getByLabel(`Button ${position + 1}: label`).fill(label);
      await page.getByLabel(`Button ${position + 1}: link`).fill(`/orders/1042/${position}`);
    }
    await page.getByLabel('Expires', { exact: true }).selectOption({ label: 'At a date and time…' });
    await page.getByLabel('Expires at').fill(wallClockInDays(7, 12));
    await page.getByRole('radio', { name: 'At each shopper’s local time' }).check();
    // The spring-forward day in the United States: the preview adds the daylight-saving rule.
    await page.getByLabel('Date and time on the shopper’s clock').fill('2027-03-14T02:30');
    await page.getByTestId('local-time-gap').waitFor();
    await page.getByTestId('card-preview').getByRole('link', { name: 'Change the delivery address' }).waitFor();
    await expectNoOverflow(page, `${name}: Send, shopper-local time`, { boxes: BOXES });

    await page.getByRole('radio', { name: 'Repeating' }).check();
    await page.getByLabel('Expires', { exact: true }).selectOption({ label: 'Never' });
    await page.getByLabel('Repeat: cron (optional)').fill('0 9 * * 1-5');
    await page.getByTestId('cron-words').waitFor();
    await page.getByLabel('Time zone of the repeat').selectOption('recipient');
    await page.getByTestId('local-time-preview').waitFor();
    expect(await page.getByTestId('cron-words').textContent()).toBe('every Monday to Friday at 09:00 in each shopper’s time zone');
    await expectNoOverflow(page, `${name}: Send, repeating in each shopper’s zone`, { boxes: BOXES });

    // An error beside every field the schema refuses, and the summary.
    await page.getByLabel('Repeat: cron (optional)').fill('61 9 * * 1');
    await page.getByLabel('Link (optional)').fill('javascript:alert(1)');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'fields need attention' }).waitFor();
    await expectNoOverflow(page, `${name}: Send with errors`, { boxes: BOXES });

    await page.getByLabel('Repeat: cron (optional)').fill('0 9 * * 1-5');
    await page.getByLabel('Link (optional)').fill('/orders/1042');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.locator('.outcome').getByTestId('local-time-progress').waitFor();
    await page.locator('.outcome').getByText('3 time zones').click();
    await expectNoOverflow(page, `${name}: Send outcome`, { boxes: BOXES });
    await page.context().close();
  });

  it('fits Sent messages with a row in every status, a local-time one open', async () => {
    const page = await openConsole(viewport, 'history');
    await page.getByRole('button', { name: `Use the demo key of ${demo.shopName}` }).click();
    const local = page.getByRole('article', { name: 'Happy birthday from the shop' });
    // Its zones come with the row's own status, fetched on the list's poll.
    await local.getByTestId('local-time-progress').waitFor();
    await local.getByText('3 time zones').click();
    for (const status of ['Sent', 'Scheduled', 'Cancelled', 'Retracted', 'Expired']) {
      await page.locator('article .status').getByText(status, { exact: true }).first().waitFor();
    }
    await expectNoOverflow(page, `${name}: Sent messages`, { boxes: BOXES });
    await local.getByRole('button', { name: 'Cancel sending' }).click();
    await page.getByRole('dialog', { name: 'Cancel this scheduled message?' }).waitFor();
    await expectNoOverflow(page, `${name}: the cancel question`, { boxes: BOXES });
    await page.context().close();
  });

  it('fits the Dashboard', async () => {
    const page = await openConsole(viewport, 'dashboard');
    await page.getByRole('button', { name: `Use the demo key of ${demo.shopName}` }).click();
    await page.getByRole('region', { name: 'By day' }).waitFor();
    await page.getByRole('img', { name: /per day/ }).locator('canvas').first().waitFor();
    await expectNoOverflow(page, `${name}: Dashboard`, { boxes: BOXES });
    await page.getByRole('button', { name: 'Last 90 days' }).click();
    await page.getByRole('row').filter({ has: page.getByRole('rowheader') }).nth(89).waitFor();
    await expectNoOverflow(page, `${name}: Dashboard, 90 days`, { boxes: BOXES });
    await page.context().close();
  });
});

describe('the console on a 320 px phone', () => {
  it('shows every section tab whole, without scrolling the tab row', async () => {
    const page = await openConsole({ width: 320, height: 640 }, 'send');
    await page.getByRole('button', { name: `Use the demo key of ${demo.shopName}` }).click();
    for (const tab of ['Send', 'Sent messages', 'Dashboard']) {
      await page.getByRole('link', { name: tab, exact: true }).click();
      const boxes = await page.getByRole('navigation', { name: 'Console sections' }).getByRole('link').evaluateAll((links) =>
        links.map((link) => ({ name: link.textContent!.trim(), left: link.getBoundingClientRect().left, right: link.getBoundingClientRect().right })),
      );
      expect(boxes.filter((box) => box.left < 0 || box.right > 320), `with ${tab} open`).toEqual([]);
    }
    await expectNoOverflow(page, '320 px: Dashboard', { boxes: BOXES });
    await page.context().close();
  });
});
