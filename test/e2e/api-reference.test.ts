import { describe, expect, it } from 'vitest';
import { appInChromium } from './support/app-in-chromium.js';

/* /docs/api (issue 10, part 3): the interactive reference renders the generated spec, offline and within its CSP. */

const app = appInChromium();

describe('the API reference in Chromium', () => {
  it('renders the operations from /api/v1/openapi.json with no console error, CSP violation or outside request', async () => {
    const context = await app.browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    const outside: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => {
      if (!request.url().startsWith(app.server.url) && !request.url().startsWith('data:') && !request.url().startsWith('blob:')) {
        outside.push(request.url());
      }
    });
    // The page reports every CSP violation, including those the console would not show.
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
      });
    });

    const res = await page.goto(`${app.server.url}/docs/api`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");

    // Operation summaries from the spec, and a method/path pair, as Scalar renders them.
    await page.getByText('Send or schedule a message').first().waitFor({ timeout: 30_000 });
    await page.getByText('Mint a shopper token').first().waitFor();
    await page.getByText('Who the shopper token speaks for').first().waitFor();
    await expect(page.getByText('/api/v1/messages').first().isVisible()).resolves.toBe(true);
    await expect(page.title()).resolves.toBe('Tidings API reference');

    expect(problems).toEqual([]);
    expect(outside).toEqual([]);
    await context.close();
  });
});
