import { describe, expect, it } from 'vitest';
import { appInChromium } from './support/app-in-chromium.js';

/* /docs/api (issue 10, part 3): the interactive reference renders the generated spec, offline and within its CSP. */

const app = appInChromium();

describe('the API reference in Chromium', () => {
  it('renders every operation of /api/v1/openapi.json with no console error, no outside request, and no CSP violation but one eval probe', async () => {
    const context = await app.browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    const outside: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(app.server.url) && !url.startsWith('data:') && !url.startsWith('blob:')) outside.push(url);
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

    // Operation summaries from the spec, as Scalar renders them: every one of them.
    await page.getByText('Send or schedule a message').first().waitFor({ timeout: 30_000 });
    const spec = (await (await fetch(`${app.server.url}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { summary: string }>>;
    };
    const summaries = Object.values(spec.paths).flatMap((ops) => Object.values(ops).map((op) => op.summary));
    expect(summaries.length).toBeGreaterThan(25);
    // Scalar renders the operations' paths after their summaries; on a loaded machine, later.
    await page.getByText('/api/v1/messages', { exact: false }).first().waitFor({ timeout: 30_000 });
    const text = await page.innerText('body');
    expect(summaries.filter((summary) => !text.includes(summary))).toEqual([]);
    await expect(page.title()).resolves.toBe('Tidings API reference');

    // One violation is expected and harmless: a library inside Scalar's bundle probes `new Function('')`
    // once to choose a fast path, and falls back when the CSP refuses it (the page renders above). The
    // page's CSP stays without 'unsafe-eval' rather than be weakened to silence a probe.
    expect(problems.filter((problem) => problem !== 'console: CSP violation: script-src eval')).toEqual([]);
    expect(outside).toEqual([]);
    await context.close();
  });

  // A browser that has the PWA installed must still reach the reference, not get the app's shell.
  it('is served by the server, not the app shell, once the PWA service worker is active', async () => {
    const context = await app.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${app.server.url}/`);
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    const res = await page.goto(`${app.server.url}/docs/api`);
    expect(res?.fromServiceWorker()).toBe(false);
    await expect(page.title()).resolves.toBe('Tidings API reference');
    await context.close();
  });
});
