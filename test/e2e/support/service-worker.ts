import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { pushPayloadSchema } from '../../../shared/push.schema.js';
import type { Preferences } from '../../../shared/preferences.schema.js';
import { messageTo, TEST_MERCHANT_KEY } from '../../../server/test-support/test-server.js';
import { launchChromium } from './browser.js';
import { startPushDevice, type PushDevice } from './push-device.js';

/*
 * What the Web Push e2e tests do to and read from a device's service worker.
 * These evaluations run in the worker; the files compile with DOM types, not
 * WebWorker, hence the small `WorkerScope` casts.
 */

/** How long to wait for the service worker to get somewhere; generous for a loaded machine, not a speed claim. */
export const EVENTUALLY = { timeout: 10_000 };

/** What `getNotifications()` shows, as plain data. */
export interface ShownNotification {
  title: string;
  body: string;
  tag: string;
  icon: string;
  badge: string;
  renotify: boolean;
  requireInteraction: boolean;
  silent: boolean | null;
  actions: { action: string; title: string }[];
  data: { messageId: string; url?: string; actionUrls: string[] };
}

/** What the evaluations use of the worker's global scope. */
export interface WorkerScope {
  registration: {
    getNotifications(filter?: { tag?: string }): Promise<Notification[]>;
    pushManager: { getSubscription(): Promise<unknown> };
  };
  NotificationEvent: new (type: 'notificationclick', init: { notification: Notification; action: string }) => Event;
  dispatchEvent(event: Event): boolean;
}

export interface StoredRow {
  id: string;
  seq: number;
  read: 0 | 1;
  title: string;
  body?: string;
}

/** A shopper id of its own for each test, so no test depends on what another one left behind. */
export function freshShopper(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}

/** The merchant sends to the device's shopper; resolves with the decrypted plaintext the push service received for the device. */
export async function sendAndReceive(device: PushDevice, overrides: Record<string, unknown>): Promise<{ id: string; plaintext: string }> {
  const { push, server, subscription } = device;
  const before = push.receivedFor(subscription.json.endpoint).length;
  const res = await server.send(messageTo([device.userId], overrides));
  expect(res.status).toBe(202);
  const { id } = (await res.json()) as { id: string };
  await push.waitFor(() => push.receivedFor(subscription.json.endpoint).length > before);
  const received = push.receivedFor(subscription.json.endpoint).at(-1)!;
  // Accepted means the VAPID JWT verified against this service's origin and the body decrypted.
  expect(received.jwt.aud).toBe(push.origin);
  expect(pushPayloadSchema.parse(JSON.parse(received.plaintext)).message.id).toBe(id);
  return { id, plaintext: received.plaintext };
}

export function shownNotifications(device: PushDevice): Promise<ShownNotification[]> {
  return device.serviceWorker().evaluate(async () => {
    const notifications = await (self as unknown as WorkerScope).registration.getNotifications();
    return notifications.map((notification) => {
      const rich = notification as Notification & Omit<ShownNotification, 'title'>;
      return {
        title: rich.title,
        body: rich.body,
        tag: rich.tag,
        icon: rich.icon,
        badge: rich.badge,
        renotify: rich.renotify,
        requireInteraction: rich.requireInteraction,
        silent: rich.silent,
        actions: rich.actions.map(({ action, title }) => ({ action, title })),
        data: rich.data as ShownNotification['data'],
      };
    });
  });
}

export async function shownTitles(device: PushDevice): Promise<string[]> {
  return (await shownNotifications(device)).map((notification) => notification.title);
}

/** A row of the shopper's Dexie tables, read with plain IndexedDB from the service worker's side. */
export function storedRow(device: PushDevice, store: 'messages' | 'meta', key: string): Promise<Record<string, unknown> | undefined> {
  return device.serviceWorker().evaluate(
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

export const storedMessage = (device: PushDevice, id: string) => storedRow(device, 'messages', id) as Promise<StoredRow | undefined>;

/**
 * A click on the notification with this tag (on a button when `action` is
 * given). Headless Chromium cannot click a real one, so the test dispatches
 * the event the browser would; being synthetic, it carries no permission to
 * focus or open windows, which is why navigating an open app window is what
 * this path shows.
 */
export async function click(device: PushDevice, tag: string, action = ''): Promise<void> {
  const problem = await device.serviceWorker().evaluate(
    async ([tag, action]) => {
      const scope = self as unknown as WorkerScope;
      const [notification] = await scope.registration.getNotifications({ tag });
      if (!notification) return `no notification tagged ${tag}`;
      const event = new scope.NotificationEvent('notificationclick', { notification, action });
      let handled: Promise<unknown> = Promise.resolve();
      // The handler's waitUntil promise is what the browser would wait for.
      Object.defineProperty(event, 'waitUntil', { value: (promise: Promise<unknown>) => (handled = promise) });
      scope.dispatchEvent(event);
      await handled;
      return null;
    },
    [tag, action] as const,
  );
  expect(problem).toBeNull();
}

/**
 * Saves the shopper's preferences through the server, as another device of
 * theirs would, and waits until they have reached this browser's Dexie
 * (through the event log), where the service worker reads them.
 */
export async function savePreferences(device: PushDevice, preferences: Partial<Preferences>): Promise<void> {
  const res = await fetch(`${device.server.url}/api/v1/me/preferences`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${device.token}` },
    body: JSON.stringify({ preferences, changedAt: new Date().toISOString() }),
  });
  expect(res.status).toBe(200);
  const saved = (await res.json()) as { preferences: Preferences };
  await expect
    .poll(async () => ((await storedRow(device, 'meta', 'preferences'))?.value as { preferences?: Preferences } | undefined)?.preferences, EVENTUALLY)
    .toEqual(saved.preferences);
}

/** The merchant's status of a message: recipients and push counts. */
export async function pushReport(device: PushDevice, id: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${device.server.url}/api/v1/messages/${id}`, { headers: { authorization: `Bearer ${TEST_MERCHANT_KEY}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

/**
 * The status once every push job of the message has been settled (nothing
 * pending and the outcomes add up to the targets): reading the counts any
 * earlier races the push worker recording them.
 */
export async function settledPushReport(device: PushDevice, id: string): Promise<Record<string, unknown>> {
  const settled = (report: Record<string, unknown>) =>
    report.pushPending === 0 &&
    (report.pushed as number) + (report.pushFailed as number) + (report.pushSkipped as number) === report.pushTargets;
  await expect.poll(async () => settled(await pushReport(device, id)), EVENTUALLY).toBe(true);
  return pushReport(device, id);
}

/**
 * The lifecycle every push test file shares: one Chromium for the file, and
 * the devices a test opened closed after it. Returns how a test opens a
 * signed-in device for a shopper of its own.
 */
export function pushDevicesPerTest(): (prefix: string) => Promise<PushDevice> {
  let browser: Browser;
  const devices: PushDevice[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterEach(async () => {
    for (const device of devices.splice(0)) await device.close();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return async (prefix) => {
    const device = await startPushDevice(browser, freshShopper(prefix));
    devices.push(device);
    return device;
  };
}
