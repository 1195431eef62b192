import type { Browser } from 'playwright-core';
import { demoInfoSchema, type DemoInfo } from '../../../shared/auth.schema.js';
import { startTestServer, type TestServer } from '../../../server/test-support/test-server.js';
import { CLIENT_DIST, launchChromium } from './browser.js';

/** What every console e2e file starts with: Chromium, and the real server in demo mode serving the built app. */
export interface DemoShop {
  browser: Browser;
  server: TestServer;
  /** The demo shop's name, merchant key and shoppers, as GET /api/v1/demo gives them. */
  demo: DemoInfo;
}

export async function startDemoShop(): Promise<DemoShop> {
  const browser = await launchChromium();
  try {
    const server = await startTestServer({ staticDir: CLIENT_DIST, demo: true });
    const demo = demoInfoSchema.parse(await (await fetch(`${server.url}/api/v1/demo`)).json());
    return { browser, server, demo };
  } catch (err) {
    await browser.close();
    throw err;
  }
}

/** Closes what startDemoShop started; either may be missing when starting failed. */
export async function stopDemoShop(shop: { browser?: Browser; server?: TestServer }): Promise<void> {
  await shop.server?.close();
  await shop.browser?.close();
}

/** The ids of everything a merchant has sent, as GET /api/v1/messages lists them. */
export async function sentMessageIds(server: TestServer, merchantKey: string): Promise<string[]> {
  const res = await fetch(`${server.url}/api/v1/messages`, { headers: { authorization: `Bearer ${merchantKey}` } });
  if (res.status !== 200) throw new Error(`GET /api/v1/messages answered ${res.status}`);
  return ((await res.json()) as { messages: { id: string }[] }).messages.map((message) => message.id);
}
