import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { demoInfoSchema, type DemoInfo } from '../../shared/auth.schema.js';
import { startTestServer, type TestServer } from '../../server/test-support/test-server.js';
import { CLIENT_DIST, launchChromium } from './support/browser.js';

/*
 * The console's Sent messages, newest on top (issue 11): the latest message
 * is the first row, and "Load more" goes on where the first page ended — no
 * gap, no repeat — though more messages were sent meanwhile.
 */

let browser: Browser;
let server: TestServer;
let demo: DemoInfo;
beforeAll(async () => {
  browser = await launchChromium();
  server = await startTestServer({ staticDir: CLIENT_DIST, demo: true });
  demo = demoInfoSchema.parse(await (await fetch(`${server.url}/api/v1/demo`)).json());
});
afterAll(async () => {
  await server?.close();
  await browser?.close();
});

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
});
