/**
 * A bench's page code in headless Chromium: `entry` (a module of this repo) is
 * bundled with esbuild and served on a stub origin by Playwright's router, so
 * nothing of the bench reaches the production build. The browser is closed
 * when `use` returns or throws.
 */
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_PATH } from '../test/e2e/support/browser.js';

export async function withBenchPage<T>(entry: string, title: string, use: (page: Page, browser: Browser) => Promise<T>): Promise<T> {
  const bundle = await build({ entryPoints: [entry], bundle: true, format: 'iife', target: 'es2022', write: false, minify: true });
  const script = bundle.outputFiles[0]!.text;
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    await page.route('http://bench.tidings.test/**', (route) =>
      route.fulfill({ contentType: 'text/html', body: `<!doctype html><title>${title}</title><script>${script.replace(/<\/script/g, '<\\/script')}</script>` }),
    );
    await page.goto('http://bench.tidings.test/');
    return await use(page, browser);
  } finally {
    await browser.close();
  }
}
