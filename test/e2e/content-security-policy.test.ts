import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { demoInfoSchema } from '../../shared/auth.schema.js';
import { messageTo, startTestServer, type TestServer } from '../../server/test-support/test-server.js';
import { openInbox } from './support/app-in-chromium.js';
import { CLIENT_DIST, launchChromium } from './support/browser.js';

/*
 * The PWA and the console run under their CSP without a single report (issue
 * 11: zod's JIT probe used `new Function`, which Lighthouse counts against best
 * practices) and without an error in the console.
 */

let browser: Browser;
let server: TestServer;
let context: BrowserContext;
beforeAll(async () => {
  browser = await launchChromium();
  server = await startTestServer({ staticDir: CLIENT_DIST, demo: true });
  context = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'en-US' });
  // Registered before any script of the page runs, so a violation during start-up is caught too.
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (event) => {
      seen.push(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'} at ${event.sourceFile}:${event.lineNumber}`);
    });
  });
});
afterAll(async () => {
  await context?.close();
  await server?.close();
  await browser?.close();
});

/** Console errors and uncaught exceptions of `page` from now on. */
function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

function violations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
}

describe('the CSP in Chromium', () => {
  it('reports nothing while the inbox loads, shows messages and opens one', async () => {
    const shopper = 'e2e-csp';
    const sent = await server.send(messageTo([shopper], { title: 'Payment failed', category: 'payment', priority: 5 }));
    expect(sent.status).toBe(202);
    const { id } = (await sent.json()) as { id: string };
    const page = await openInbox(context, server, shopper);
    // openInbox had the page before this listener: reload so start-up is watched as well.
    const errors = collectErrors(page);
    await page.reload();
    await page.getByRole('heading', { name: 'Payment failed' }).waitFor();
    await page.evaluate((messageId) => (location.hash = `#message=${messageId}`), id);
    await page.getByRole('region', { name: 'Payment failed' }).waitFor();
    expect(await violations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('reports nothing in the console: sign-in, Send, Sent messages, Dashboard', async () => {
    const demo = demoInfoSchema.parse(await (await fetch(`${server.url}/api/v1/demo`)).json());
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}/console.html`);
    await page.getByRole('button', { name: `Use the demo key of ${demo.shopName}` }).click();
    await page.getByRole('heading', { name: 'Send', exact: true, level: 2 }).waitFor();
    await page.getByRole('link', { name: 'Sent messages' }).click();
    await page.getByRole('article').first().waitFor();
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('heading', { name: 'Delivery dashboard' }).waitFor();
    expect(await violations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
