import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { DemoInfo } from '../../shared/auth.schema.js';
import { createMerchantKeyResponseSchema } from '../../shared/merchant-key.schema.js';
import { deliveryStatsResponseSchema, type DeliveryStatsResponse } from '../../shared/delivery-stats.schema.js';
import type { TestServer } from '../../server/test-support/test-server.js';
import { startDemoShop, stopDemoShop } from './support/demo-shop.js';

/*
 * The merchant's delivery dashboard (issue 11): messages sent and read through
 * the API appear in its tables with the figures the API answers, in the
 * browser's time zone; nothing overflows a phone's width; a key that sent
 * nothing sees the empty state. At phone and desktop size.
 */

const TZ = 'Asia/Shanghai';
let browser: Browser;
let server: TestServer;
let demo: DemoInfo;
beforeAll(async () => {
  ({ browser, server, demo } = await startDemoShop());
});
afterAll(() => stopDemoShop({ browser, server }));

async function call(method: string, path: string, credential: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${credential}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function send(category: string, userIds: string[]): Promise<string> {
  const res = await call('POST', '/messages', demo.merchantKey, { to: { userIds }, category, title: `A ${category} message` });
  expect(res.status).toBe(202);
  return res.body.id as string;
}

async function markRead(userId: string, messageId: string): Promise<void> {
  const token = await server.tokenFor(userId);
  const res = await call('POST', '/me/state', token, { changes: [{ messageId, state: { read: { value: true, at: new Date().toISOString() } } }] });
  expect(res.status).toBe(200);
}

/** What the API answers for the dashboard's default period: the last 7 days in TZ. */
async function statsFromApi(): Promise<DeliveryStatsResponse> {
  const to = new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(Date.now());
  const from = new Date(Date.parse(`${to}T00:00:00Z`) - 6 * 86_400_000).toISOString().slice(0, 10);
  const res = await call('GET', `/stats/deliveries?from=${from}&to=${to}&tz=${encodeURIComponent(TZ)}`, demo.merchantKey);
  expect(res.status).toBe(200);
  return deliveryStatsResponseSchema.parse(res.body);
}

async function noHorizontalOverflow(page: Page): Promise<void> {
  const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, view: window.innerWidth }));
  expect(widths.scroll).toBeLessThanOrEqual(widths.view);
}

/** The cells of a table row, by the text of its header cell. */
async function rowCells(page: Page, table: string, rowHeader: string): Promise<string[]> {
  const row = page.getByRole('region', { name: table }).getByRole('row').filter({ has: page.getByRole('rowheader', { name: rowHeader, exact: true }) });
  return (await row.getByRole('cell').allTextContents()).map((text) => text.trim());
}

async function tile(page: Page, label: string): Promise<string> {
  const term = page.locator('.tiles div', { has: page.getByText(label, { exact: true }) });
  return (await term.locator('dd').textContent())!.trim();
}

describe.each([
  ['phone', { width: 375, height: 812 }],
  ['desktop', { width: 1280, height: 800 }],
])('the delivery dashboard at %s size', (_size, viewport) => {
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    context = await browser.newContext({ viewport, locale: 'en-US', timezoneId: TZ });
    page = await context.newPage();
  });
  afterAll(() => context?.close());

  it('shows what was sent, delivered and read today, in the browser’s time zone, with the API’s figures', async () => {
    const order = await send('order', ['alice', 'bob']);
    await send('promotion', ['alice']);
    await markRead('alice', order);
    const expected = await statsFromApi();
    const today = expected.days.at(-1)!;
    expect(today.sent).toBeGreaterThanOrEqual(2);

    await page.goto(`${server.url}/console.html#dashboard`);
    await page.getByRole('button', { name: `Use the demo key of ${demo.shopName}` }).click();
    await page.getByRole('heading', { name: 'Delivery dashboard', level: 2 }).waitFor();
    await page.getByRole('region', { name: 'By day' }).waitFor();
    await page.getByText(`, days in ${TZ}`).waitFor();
    expect(await page.getByRole('button', { name: 'Last 7 days' }).getAttribute('aria-pressed')).toBe('true');

    expect(await tile(page, 'Sent')).toBe(String(expected.total.sent));
    expect(await tile(page, 'Read rate')).toBe(`${Math.round(expected.total.readRate! * 100)}%`);
    const todayLabel = new Intl.DateTimeFormat('en', { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(Date.parse(`${today.day}T00:00:00Z`));
    expect((await rowCells(page, 'By day', todayLabel)).slice(0, 6)).toEqual([
      String(today.sent), String(today.deliveredLive), String(today.pushed), String(today.pushFailed), String(today.read),
      `${Math.round(today.readRate! * 100)}%`,
    ]);
    const order$ = expected.categories.find((c) => c.category === 'order')!;
    expect((await rowCells(page, 'By category', 'Order')).slice(0, 5)).toEqual([
      String(order$.sent), String(order$.deliveredLive), String(order$.pushed), String(order$.pushFailed), String(order$.read),
    ]);
    // The chart is drawn (a canvas), and named for those who cannot see it.
    await page.getByRole('img', { name: /per day/ }).locator('canvas').first().waitFor();
    await noHorizontalOverflow(page);

    await page.getByRole('button', { name: 'Last 90 days' }).click();
    await page.getByRole('row').filter({ has: page.getByRole('rowheader') }).nth(89).waitFor();
    expect(await page.getByRole('region', { name: 'By day' }).getByRole('rowheader').count()).toBe(90);
    await noHorizontalOverflow(page);
  });

  it('says so when the key sent nothing in the period', async () => {
    const created = await call('POST', '/merchant-keys', demo.merchantKey, { name: `Quiet seller ${viewport.width}`, role: 'seller' });
    const { key } = createMerchantKeyResponseSchema.parse(created.body);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Merchant key', { exact: true }).fill(key);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('Nothing was sent in this period.', { exact: false }).waitFor();
    await noHorizontalOverflow(page);
  });
});

describe('the delivery dashboard in Simplified Chinese', () => {
  it('names its periods, tiles and tables in zh-CN', async () => {
    await send('order', ['alice']);
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 375, height: 812 }, timezoneId: TZ });
    const page = await context.newPage();
    await page.goto(`${server.url}/console.html#dashboard`);
    await page.getByRole('button', { name: `使用 ${demo.shopName} 的演示密钥` }).click();
    await page.getByRole('heading', { name: '投递数据看板', level: 2 }).waitFor();
    expect(await page.getByRole('button', { name: '最近 7 天' }).getAttribute('aria-pressed')).toBe('true');
    await page.getByRole('region', { name: '按天' }).waitFor();
    await page.getByRole('region', { name: '按类别' }).getByRole('rowheader', { name: '订单' }).waitFor();
    await noHorizontalOverflow(page);
    // A column heading keeps its words whole (the table scrolls instead), never one character a line.
    const headingLines = await page.locator('thead th').evaluateAll((headings) =>
      headings.map((heading) => {
        const range = document.createRange();
        range.selectNodeContents(heading);
        const lineTops = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
        return `${heading.textContent!.trim()}: ${lineTops.size}`;
      }),
    );
    expect(headingLines.filter((entry) => Number(entry.split(': ')[1]) > 2)).toEqual([]);
    await context.close();
  });
});
