import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { LoopbackPushService, SyntheticSubscription } from '../../server/test-support/push-service.js';
import { messageTo, TEST_MERCHANT_KEY, type TestServer } from '../../server/test-support/test-server.js';
import { launchChromium } from './support/browser.js';
import { startPushDevice, type PushDevice } from './support/push-device.js';

/*
 * A muted category, end to end: the shopper's preferences are saved through
 * the server (as another device of theirs would), reach this browser through
 * the event log, and are enforced twice: the server does not send the push,
 * and a push that arrives anyway is stored but not shown by the service worker.
 * Push delivery is the loopback push service + DevTools approach of push.test.ts.
 */

const SHOPPER = 'e2e-preferences';
const EVENTUALLY = { timeout: 10_000 };

let browser: Browser;
let push: LoopbackPushService;
let server: TestServer;
let page: Page;
let device: SyntheticSubscription;
let pushDevice: PushDevice;
let token: string;

interface WorkerScope {
  registration: { getNotifications(): Promise<Notification[]> };
}

beforeAll(async () => {
  browser = await launchChromium();
  pushDevice = await startPushDevice(browser, SHOPPER);
  ({ push, server, page } = pushDevice);
  device = pushDevice.subscription;
  token = pushDevice.token;
});

afterAll(async () => {
  await pushDevice?.close();
  await browser?.close();
});

/** A row of the shopper's Dexie tables, read with plain IndexedDB from the service worker's side. */
function storedRow(store: 'messages' | 'meta', key: string): Promise<Record<string, unknown> | undefined> {
  return pushDevice.serviceWorker().evaluate(
    ([store, key]) =>
      new Promise<Record<string, unknown> | undefined>((resolve, reject) => {
        const open = indexedDB.open('tidings');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const request = open.result.transaction(store, 'readonly').objectStore(store).get(key);
          request.onsuccess = () => {
            resolve(request.result as Record<string, unknown> | undefined);
            open.result.close();
          };
          request.onerror = () => reject(request.error);
        };
      }),
    [store, key] as const,
  );
}

function shownTitles(): Promise<string[]> {
  return pushDevice.serviceWorker().evaluate(async () =>
    (await (self as unknown as WorkerScope).registration.getNotifications()).map((notification) => notification.title),
  );
}

async function send(overrides: Record<string, unknown>): Promise<string> {
  const res = await server.send(messageTo([SHOPPER], overrides));
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

async function pushReport(id: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${server.url}/api/v1/messages/${id}`, { headers: { authorization: `Bearer ${TEST_MERCHANT_KEY}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

describe('a muted category in Chromium', () => {
  it('reaches this browser’s Dexie from a change saved on another device', async () => {
    const res = await fetch(`${server.url}/api/v1/me/preferences`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ preferences: { mutedCategories: ['promotion'], timeZone: 'UTC' }, changedAt: new Date().toISOString() }),
    });
    expect(res.status).toBe(200);
    await expect
      .poll(async () => ((await storedRow('meta', 'preferences'))?.value as { preferences?: { mutedCategories?: string[] } } | undefined)?.preferences?.mutedCategories, EVENTUALLY)
      .toEqual(['promotion']);
  });

  it('is not pushed by the server, while another category is', async () => {
    // No app window in front of the shopper, or the service worker would stay quiet for that reason instead.
    await page.goto('about:blank');

    const muted = await send({ category: 'promotion', title: 'Weekend sale', priority: 5 });
    const wanted = await send({ category: 'order', title: 'Order #7 shipped' });
    await push.waitFor(() => push.receivedFor(device.json.endpoint).length >= 1);
    await expect.poll(async () => (await pushReport(muted)).pushPending, EVENTUALLY).toBe(0);
    expect(await pushReport(muted)).toMatchObject({ pushTargets: 1, pushed: 0, pushSkipped: 1 });
    expect(await pushReport(wanted)).toMatchObject({ pushTargets: 1, pushed: 1 });
    const received = push.receivedFor(device.json.endpoint).map((p) => JSON.parse(p.plaintext) as { message: { id: string } });
    expect(received.map((p) => p.message.id)).toEqual([wanted]);

    // The control: an unmuted push is shown, so the silence below means something.
    await pushDevice.deliver(push.receivedFor(device.json.endpoint)[0]!.plaintext);
    await expect.poll(shownTitles, EVENTUALLY).toContain('Order #7 shipped');
  });

  it('is stored but not shown when a push arrives anyway', async () => {
    // A push the server would not send today, e.g. one sent before the preference reached it.
    const template = JSON.parse(push.receivedFor(device.json.endpoint)[0]!.plaintext) as { message: Record<string, unknown> };
    const forged = (id: string, category: string, title: string) =>
      JSON.stringify({ ...template, message: { ...template.message, id, category, title, collapseKey: undefined } });

    await pushDevice.deliver(forged('forged-muted', 'promotion', 'Flash sale, muted'));
    await expect.poll(async () => (await storedRow('messages', 'forged-muted'))?.title, EVENTUALLY).toBe('Flash sale, muted');
    // A later unmuted push is shown: by then the muted one has long been decided.
    await pushDevice.deliver(forged('forged-order', 'order', 'Order #8 paid'));
    await expect.poll(shownTitles, EVENTUALLY).toContain('Order #8 paid');
    expect(await shownTitles()).not.toContain('Flash sale, muted');
  });
});
