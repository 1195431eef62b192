import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { PACKAGE_ROOT } from '../../../server/config.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CLIENT_DIST = path.join(PACKAGE_ROOT, 'dist', 'client');

/**
 * Debian's Chromium, headless, with everything that would phone home turned
 * off (this machine has no network, and a test must not depend on one).
 */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`No Chromium at ${CHROMIUM_PATH}: install it with "apt-get install -y chromium" (or set CHROMIUM_PATH)`);
  }
  if (!fs.existsSync(path.join(CLIENT_DIST, 'index.html'))) {
    throw new Error(`No built PWA in ${CLIENT_DIST}: run "npm run build" first (npm test does)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
