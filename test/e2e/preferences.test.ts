import { describe, expect, it } from 'vitest';
import { messageTo } from '../../server/test-support/test-server.js';
import type { PushDevice } from './support/push-device.js';
import { EVENTUALLY, savePreferences, sendAndReceive, settledPushReport, shownTitles, storedRow, pushDevicesPerTest } from './support/service-worker.js';

/*
 * A muted category, end to end: the shopper's preferences are saved through
 * the server (as another device of theirs would), reach this browser through
 * the event log, and are enforced twice: the server does not send the push,
 * and a push that arrives anyway is stored but not shown by the service worker.
 * Push delivery is the loopback push service + DevTools approach of push.test.ts.
 * Each test opens its own device for a shopper of its own, so they run in any order.
 */

const openDevice = pushDevicesPerTest();

/** A device whose shopper has muted promotions, the change already in this browser's Dexie. */
async function deviceMutingPromotions(): Promise<PushDevice> {
  const device = await openDevice('e2e-preferences');
  await savePreferences(device, { mutedCategories: ['promotion'], timeZone: 'UTC' });
  return device;
}

async function send(device: PushDevice, overrides: Record<string, unknown>): Promise<string> {
  const res = await device.server.send(messageTo([device.userId], overrides));
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

describe('a muted category in Chromium', () => {
  it('reaches this browser’s Dexie from a change saved on another device', async () => {
    const device = await deviceMutingPromotions();
    const stored = (await storedRow(device, 'meta', 'preferences'))?.value as { preferences?: { mutedCategories?: string[] } } | undefined;
    expect(stored?.preferences?.mutedCategories).toEqual(['promotion']);
  });

  it('is not pushed by the server, while another category is', async () => {
    const device = await deviceMutingPromotions();
    const { push, subscription } = device;
    // No app window in front of the shopper, or the service worker would stay quiet for that reason instead.
    await device.page.goto('about:blank');

    const muted = await send(device, { category: 'promotion', title: 'Weekend sale', priority: 5 });
    const wanted = await send(device, { category: 'order', title: 'Order #7 shipped' });
    // The counts are read once the push worker has recorded every outcome, not when the push service first hears of one.
    expect(await settledPushReport(device, muted)).toMatchObject({ pushTargets: 1, pushed: 0, pushSkipped: 1 });
    expect(await settledPushReport(device, wanted)).toMatchObject({ pushTargets: 1, pushed: 1 });
    const received = push.receivedFor(subscription.json.endpoint).map((p) => JSON.parse(p.plaintext) as { message: { id: string } });
    expect(received.map((p) => p.message.id)).toEqual([wanted]);

    // The control: an unmuted push is shown, so the silence below means something.
    await device.deliver(push.receivedFor(subscription.json.endpoint)[0]!.plaintext);
    await expect.poll(() => shownTitles(device), EVENTUALLY).toContain('Order #7 shipped');
  });

  it('is stored but not shown when a push arrives anyway', async () => {
    const device = await deviceMutingPromotions();
    await device.page.goto('about:blank');
    // A push the server would not send today, e.g. one sent before the preference reached it.
    const template = JSON.parse((await sendAndReceive(device, { category: 'order', title: 'A template' })).plaintext) as {
      message: Record<string, unknown>;
    };
    const forged = (id: string, category: string, title: string) =>
      JSON.stringify({ ...template, message: { ...template.message, id, category, title, collapseKey: undefined } });

    await device.deliver(forged('forged-muted', 'promotion', 'Flash sale, muted'));
    await expect.poll(async () => (await storedRow(device, 'messages', 'forged-muted'))?.title, EVENTUALLY).toBe('Flash sale, muted');
    // A later unmuted push is shown: by then the muted one has long been decided.
    await device.deliver(forged('forged-order', 'order', 'Order #8 paid'));
    await expect.poll(() => shownTitles(device), EVENTUALLY).toContain('Order #8 paid');
    expect(await shownTitles(device)).not.toContain('Flash sale, muted');
  });
});
