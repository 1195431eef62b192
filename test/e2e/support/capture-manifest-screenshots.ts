/**
 * Captures the screenshots the web app manifest offers in the install dialog
 * (vite.config.ts lists them), from the built app with a few realistic messages:
 * `npx vite build && npx tsx test/e2e/support/capture-manifest-screenshots.ts`.
 */
import path from 'node:path';
import { PACKAGE_ROOT } from '../../../server/config.js';
import { messageTo, startTestServer, tempDir } from '../../../server/test-support/test-server.js';
import { CLIENT_DIST, launchChromium } from './browser.js';
import { SHOWCASE_MESSAGES } from './showcase-messages.js';

const OUT = path.join(PACKAGE_ROOT, 'client', 'public', 'screenshots');
const SHOPPER = 'shopper-ana';

/** Name → viewport; the sizes are those the manifest states. */
export const MANIFEST_SCREENSHOTS = {
  'inbox-narrow.png': { width: 375, height: 812 },
  'inbox-wide.png': { width: 1280, height: 800 },
} as const;

const server = await startTestServer({ dataDir: tempDir(), staticDir: CLIENT_DIST });
const browser = await launchChromium();
try {
  for (const message of SHOWCASE_MESSAGES) await server.send(messageTo([SHOPPER], message));
  for (const [name, viewport] of Object.entries(MANIFEST_SCREENSHOTS)) {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1, colorScheme: 'light', locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${server.url}/#token=${await server.tokenFor(SHOPPER)}`);
    await page.getByRole('heading', { name: 'Card declined for order #1043' }).waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(OUT, name) });
    await context.close();
  }
  console.log(`manifest screenshots in ${OUT}`);
} finally {
  await browser.close();
  await server.close();
}
