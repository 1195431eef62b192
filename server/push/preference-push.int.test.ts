import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Preferences } from '../../shared/preferences.schema.js';
import { payloadOf, startPushTestBed, type PushTestBed } from '../test-support/push-test-server.js';

let bed: PushTestBed;
beforeAll(async () => {
  bed = await startPushTestBed();
});
afterAll(() => bed.close());

const savePreferences = (userId: string, preferences: Partial<Preferences>) => bed.savePreferences(userId, preferences);
const send = (userId: string, overrides: Record<string, unknown>) => bed.send([userId], overrides);
const settled = (messageId: string) => bed.settled(messageId);

/** Quiet hours from an hour ago to an hour from now on a UTC wall clock: quiet whenever the test runs. */
function quietAroundNow(allowUrgent: boolean): Preferences['quietHours'] {
  const now = new Date();
  const clockAt = (offsetHours: number) => {
    const hour = (now.getUTCHours() + offsetHours + 24) % 24;
    return `${String(hour).padStart(2, '0')}:00`;
  };
  return { start: clockAt(-1), end: clockAt(2), allowUrgent, deferred: false };
}

describe('push policy from the shopper’s preferences', () => {
  it('does not wake a device for a muted category or below the minimum priority, counted as skipped', async () => {
    const device = await bed.device('pp-mute');
    await savePreferences('pp-mute', { mutedCategories: ['promotion'], minPushPriority: 3 });

    const muted = await send('pp-mute', { category: 'promotion', priority: 5, title: 'Sale' });
    const low = await send('pp-mute', { category: 'order', priority: 2, title: 'Low' });
    const normal = await send('pp-mute', { category: 'order', priority: 3, title: 'Shipped' });

    expect(await settled(muted)).toMatchObject({ pushTargets: 1, pushed: 0, pushSkipped: 1 });
    expect(await settled(low)).toMatchObject({ pushTargets: 1, pushed: 0, pushSkipped: 1 });
    expect(await settled(normal)).toMatchObject({ pushTargets: 1, pushed: 1, pushSkipped: 0 });
    expect(bed.push.receivedFor(device.json.endpoint).map((p) => payloadOf(p).message.title)).toEqual(['Shipped']);
  });

  it('holds back all but urgent messages in quiet hours when urgent may pass', async () => {
    const device = await bed.device('pp-quiet');
    await savePreferences('pp-quiet', { quietHours: quietAroundNow(true), timeZone: 'UTC' });

    const normal = await send('pp-quiet', { priority: 4, title: 'High but not urgent' });
    const urgent = await send('pp-quiet', { priority: 5, title: 'Payment failed' });
    expect(await settled(normal)).toMatchObject({ pushed: 0, pushSkipped: 1 });
    expect(await settled(urgent)).toMatchObject({ pushed: 1, pushSkipped: 0 });
    expect(bed.push.receivedFor(device.json.endpoint).map((p) => payloadOf(p).message.title)).toEqual(['Payment failed']);
  });

  it('holds back urgent messages too in quiet hours when the shopper said so', async () => {
    const device = await bed.device('pp-strict');
    await savePreferences('pp-strict', { quietHours: quietAroundNow(false) });
    expect(await settled(await send('pp-strict', { priority: 5 }))).toMatchObject({ pushed: 0, pushSkipped: 1 });
    expect(bed.push.receivedFor(device.json.endpoint)).toEqual([]);
  });

  it('applies a saved change to the very next push (the cache is dropped on save)', async () => {
    const device = await bed.device('pp-change');
    expect(await settled(await send('pp-change', { category: 'chat', title: 'Before' }))).toMatchObject({ pushed: 1 });
    await savePreferences('pp-change', { mutedCategories: ['chat'] });
    expect(await settled(await send('pp-change', { category: 'chat', title: 'After' }))).toMatchObject({ pushed: 0, pushSkipped: 1 });
    await savePreferences('pp-change', { mutedCategories: [] });
    expect(await settled(await send('pp-change', { category: 'chat', title: 'Again' }))).toMatchObject({ pushed: 1 });
    expect(bed.push.receivedFor(device.json.endpoint).map((p) => payloadOf(p).message.title)).toEqual(['Before', 'Again']);
  });
});
