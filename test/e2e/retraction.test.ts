import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { messageTo, TEST_MERCHANT_KEY } from '../../server/test-support/test-server.js';
import { appInChromium } from './support/app-in-chromium.js';

/* A merchant corrects a wrong delivery date and retracts a message sent by mistake: every device follows. */

const app = appInChromium();

function heading(page: Page, title: string) {
  return page.getByRole('heading', { name: title, exact: true });
}

function merchant(method: string, path: string, body?: unknown) {
  return fetch(`${app.server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${TEST_MERCHANT_KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
}

describe('retraction and correction in Chromium', () => {
  it('updates a corrected message and removes a retracted one on two devices', async () => {
    const wrong = await app.server.send(messageTo(['e2e-retract'], { title: 'Arrives Monday', collapseKey: 'order:55' }));
    const mistake = await app.server.send(messageTo(['e2e-retract'], { title: 'You won a prize', category: 'promotion' }));
    const { id: wrongId } = (await wrong.json()) as { id: string };
    const { id: mistakeId } = (await mistake.json()) as { id: string };

    const token = await app.server.tokenFor('e2e-retract');
    const devices = await Promise.all([app.browser.newContext(), app.browser.newContext()]);
    const pages = await Promise.all(devices.map((context) => context.newPage()));
    for (const page of pages) {
      await page.goto(`${app.server.url}/#token=${token}`);
      await heading(page, 'You won a prize').waitFor();
      await heading(page, 'Arrives Monday').waitFor();
    }

    expect((await merchant('PATCH', `/messages/${wrongId}`, { title: 'Arrives Wednesday' })).status).toBe(200);
    expect((await merchant('POST', `/messages/${mistakeId}/retract`)).status).toBe(200);

    for (const page of pages) {
      await heading(page, 'Arrives Wednesday').waitFor();
      await heading(page, 'You won a prize').waitFor({ state: 'detached' });
      await expect(heading(page, 'Arrives Monday').count()).resolves.toBe(0);
    }
    // A device that signs in later never sees the retracted message at all.
    const late = await app.browser.newContext();
    const latePage = await late.newPage();
    await latePage.goto(`${app.server.url}/#token=${token}`);
    await heading(latePage, 'Arrives Wednesday').waitFor();
    await expect(heading(latePage, 'You won a prize').count()).resolves.toBe(0);
    await Promise.all([...devices, late].map((context) => context.close()));
  });
});
