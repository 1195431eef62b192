import { afterAll, beforeAll } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../../../server/test-support/test-server.js';
import { CLIENT_DIST, launchChromium } from './browser.js';

export interface AppInChromium {
  browser: Browser;
  /** The app in-process, serving the built PWA, on a fresh data directory. */
  server: TestServer;
}

/**
 * For the calling test file: Chromium and the app, started before its tests
 * and closed after them. Read the fields inside tests, once both are up.
 */
export function appInChromium(): AppInChromium {
  const app = {} as Partial<AppInChromium>;
  beforeAll(async () => {
    app.browser = await launchChromium();
    app.server = await startTestServer({ staticDir: CLIENT_DIST });
  });
  afterAll(async () => {
    await app.server?.close();
    await app.browser?.close();
  });
  return app as AppInChromium;
}

/**
 * Opens the shopper's inbox in a new page of `context`, signed in with a token
 * link, once the live connection is up (in English or Chinese).
 */
export async function openInbox(context: BrowserContext, server: TestServer, userId: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${server.url}/#token=${await server.tokenFor(userId)}`);
  await page.getByRole('status', { name: /Live|实时/ }).waitFor();
  return page;
}
