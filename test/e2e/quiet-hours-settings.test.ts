import { describe, expect, it } from 'vitest';
import { appInChromium, openInbox } from './support/app-in-chromium.js';
import { appMenu } from './support/inbox-page.js';

/*
 * Deferred quiet hours (issue 15) are chosen in Settings: one checkbox under
 * quiet hours, saved to the server like the other preferences, where the push
 * path reads it.
 */

const app = appInChromium();

describe('deferred quiet hours in Settings', () => {
  it('saves the choice to show one summary when quiet hours end', async () => {
    const context = await app.browser.newContext({ locale: 'en-US' });
    const page = await openInbox(context, app.server, 'e2e-deferred');
    await appMenu(page, 'Settings');
    await page.getByRole('checkbox', { name: 'No alerts during quiet hours' }).check();
    const deferred = page.getByRole('checkbox', { name: 'When quiet hours end, show one summary of what arrived' });
    expect(await deferred.isChecked()).toBe(false);
    await deferred.check();
    await page.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(async () => (await app.server.store.getPreferences('e2e-deferred'))?.preferences.quietHours, { timeout: 10_000 })
      .toEqual({ start: '22:00', end: '07:00', allowUrgent: true, deferred: true });
    await context.close();
  });
});
