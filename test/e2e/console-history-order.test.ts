import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { DemoInfo } from '../../shared/auth.schema.js';
import type { TestServer } from '../../server/test-support/test-server.js';
import { startDemoShop, stopDemoShop } from './support/demo-shop.js';

/*
 * The console's Sent messages, newest on top (issue 11): the latest message
 * is the first row, and "Load more" goes on where the first page ended — no
 * gap, no repeat — though more messages were sent meanwhile; and what is
 * sent while the list is open joins its top on the next poll, once, without
 * a reload.
 */

let browser: Browser;
let server: TestServer;
let demo: DemoInfo;
beforeAll(async () => {
  ({ browser, server, demo } = await startDemoShop());
});
afterAll(() => stopDemoShop({ browser, server }));

async function send(title: string): Promise<void> {
  const res = await fetch(`${server.url}/api/v1/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${demo.merchantKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ to: { userIds: ['alice'] }, category: 'order', title }),
  });
  expect(res.status).toBe(202);
  // Distinct createdAt: the expected order is then plain to write down.
  await new Promise((resolve) => setTimeout(resolve, 3));
}

describe('Sent messages in the console', () => {
  it('shows the newest first and pages on without gap or repeat while messages arrive', async () => {
    const titles = Array.from({ length: 24 }, (_, i) => `History #${String(i).padStart(2, '0')}`);
    for (const title of titles) await send(title);
    const context = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${server.url}/console.html#history`);
    await page.getByRole('button', { name: `Use the demo key of ${demo.shopName}` }).click();
    const rows = page.getByRole('article');
    await rows.first().waitFor();
    await page.getByRole('article', { name: 'History #23', exact: true }).waitFor();
    const firstPage = await page.locator('article h3').allTextContents();
    expect(firstPage[0]).toBe('History #23');

    await send('Arrived meanwhile');
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.getByRole('article', { name: 'History #00', exact: true }).waitFor();
    const shown = (await page.locator('article h3').allTextContents()).filter((title) => title.startsWith('History'));
    expect(shown).toEqual([...titles].reverse());
    await context.close();
  });

  it('puts messages sent while it is open on top without a reload, each once', async () => {
    await send('Before opening');
    const context = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${server.url}/console.html#history`);
    await page.getByRole('button', { name: `Use the demo key of ${demo.shopName}` }).click();
    await page.getByRole('article', { name: 'Before opening', exact: true }).waitFor();
    // A mark on this document: a reload would lose it.
    await page.evaluate(() => Object.assign(window, { stillTheSamePage: true }));

    await send('Sent while watching #1');
    await send('Sent while watching #2');
    // The list's visible poll (every 4 s) fetches the first page again.
    await page.getByRole('article', { name: 'Sent while watching #2', exact: true }).waitFor({ timeout: 15_000 });
    const titles = await page.locator('article h3').allTextContents();
    expect(titles.slice(0, 3)).toEqual(['Sent while watching #2', 'Sent while watching #1', 'Before opening']);
    // A later poll changes nothing: no row twice.
    await page.waitForTimeout(4_500);
    const again = await page.locator('article h3').allTextContents();
    expect(again).toEqual(titles);
    expect(new Set(again).size).toBe(again.length);
    expect(await page.evaluate(() => (window as unknown as { stillTheSamePage?: boolean }).stillTheSamePage)).toBe(true);
    await context.close();
  });
});
