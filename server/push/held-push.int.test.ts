import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messagesOf } from '../../shared/event.schema.js';
import type { Preferences } from '../../shared/preferences.schema.js';
import { until } from '../test-support/eventually.js';
import { payloadOf, startPushTestBed, summaryOf, type PushTestBed } from '../test-support/push-test-server.js';
import { TEST_MERCHANT_KEY } from '../test-support/test-server.js';
import { createTestSchema, type TestSchema } from '../test-support/postgres-schema.js';
import { postgresAvailable, requireService } from '../test-support/services.js';

const pgAvailable = requireService('PostgreSQL', await postgresAvailable());

/**
 * Pushes held back and released as one summary (issue 15): digests and
 * deferred quiet hours, on both stores and a simulated clock the server's holds and quiet
 * hours read. The clock stays in the past of the real one, so push jobs (due
 * at accept) are sent at once by the worker, which keeps real time.
 */
describe.each([
  { name: 'SQLite', skip: false },
  { name: 'PostgreSQL', skip: !pgAvailable },
])('held pushes on $name', ({ name, skip }) => {
  let clock = 0;
  let bed: PushTestBed;
  let schema: TestSchema | undefined;
  beforeAll(async () => {
    if (skip) return;
    clock = Date.parse('2026-01-05T12:00:00Z');
    if (name === 'PostgreSQL') schema = await createTestSchema();
    bed = await startPushTestBed({ lifecycle: { schedulerPollMs: 20, now: () => clock }, store: await schema?.open() });
  });
  afterAll(async () => {
    await bed?.close();
    await schema?.drop();
  });

  const savePreferences = (userId: string, preferences: Partial<Preferences>) => bed.savePreferences(userId, preferences);

  const inbox = async (userId: string) => messagesOf(await bed.server.store.readEvents(userId, 0, 100)).map((m) => m.title);
  const holdsLeft = () => bed.server.store.lifecycle.heldPushes.nextDueAt();

  /** Moves the simulated clock and waits until every hold due by then is gone. */
  async function advanceTo(iso: string): Promise<void> {
    clock = Date.parse(iso);
    bed.server.app.heldPushes.wake();
    await until(holdsLeft, (next) => next === undefined || next > clock, 10_000, 20);
  }

  const outcomes = async (kind: string) => {
    const text = await (await fetch(`${bed.server.url}/metrics`)).text();
    return Number(new RegExp(`^tidings_push_outcomes_total\\{outcome="${kind}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  };

  const PRICE_DROP = { key: 'wishlist-price-drop', windowSeconds: 600, title: '{count} items in your wishlist dropped in price' };

  describe('digests', () => {
    it.skipIf(skip)('turns 5 messages within the window into one push at its end, newest as target; the inbox gets all 5 at once', async () => {
      const device = await bed.device('dg-shopper');
      const start = clock;
      const ids: string[] = [];
      for (let i = 1; i <= 5; i++) {
        clock = start + i * 1000;
        ids.push(await bed.send(['dg-shopper'], { category: 'promotion', title: `Item ${i} is cheaper`, digest: PRICE_DROP }));
      }
      for (const id of ids) expect(await bed.settled(id)).toMatchObject({ pushTargets: 1, pushed: 0, pushSkipped: 1 });
      expect(await inbox('dg-shopper')).toEqual(['Item 1 is cheaper', 'Item 2 is cheaper', 'Item 3 is cheaper', 'Item 4 is cheaper', 'Item 5 is cheaper']);
      expect(bed.push.receivedFor(device.json.endpoint)).toHaveLength(0);

      // The window started at the first message: 600 s after it, not after the last.
      await advanceTo(new Date(start + 1000 + 599_000).toISOString());
      expect(bed.push.receivedFor(device.json.endpoint)).toHaveLength(0);
      await advanceTo(new Date(start + 1000 + 600_000).toISOString());
      await until(async () => bed.push.receivedFor(device.json.endpoint).length, (n) => n > 0);
      const pushes = bed.push.receivedFor(device.json.endpoint);
      expect(pushes).toHaveLength(1);
      const summary = summaryOf(pushes[0]!);
      expect(summary).toMatchObject({ kind: 'summary', reason: 'digest', count: 5, title: '5 items in your wishlist dropped in price' });
      expect(summary.message.id).toBe(ids[4]);
      const report = await bed.report(ids[0]!);
      expect(report.digest).toEqual({ ...PRICE_DROP, digested: 1 });
    });

    it.skipIf(skip)('keeps two merchants\' keys and two shoppers apart, and starts a new window after a release', async () => {
      const a = await bed.device('dg-a');
      const b = await bed.device('dg-b');
      const first = await bed.send(['dg-a', 'dg-b'], { title: 'Drop 1', digest: { key: 'drop', windowSeconds: 60 } });
      await bed.settled(first);
      await advanceTo(new Date(clock + 60_000).toISOString());
      await until(async () => bed.push.receivedFor(b.json.endpoint).length, (n) => n === 1);
      expect(bed.push.receivedFor(a.json.endpoint).map((p) => summaryOf(p).count)).toEqual([1]);
      expect((await bed.report(first)).digest).toMatchObject({ digested: 2 });

      const second = await bed.send(['dg-a'], { title: 'Drop 2', digest: { key: 'drop', windowSeconds: 60 } });
      await bed.settled(second);
      expect(await holdsLeft()).toBe(clock + 60_000);
      await advanceTo(new Date(clock + 60_000).toISOString());
      await until(async () => bed.push.receivedFor(a.json.endpoint).length, (n) => n === 2);
      expect(summaryOf(bed.push.receivedFor(a.json.endpoint)[1]!)).toMatchObject({ count: 1, message: { title: 'Drop 2' } });
      expect(summaryOf(bed.push.receivedFor(a.json.endpoint)[1]!).title).toBeUndefined();
    });
  });

  describe('a push service asking for a retry', () => {
    it.skipIf(skip)('retries that device\'s summary alone through the push queue; the other device gets it once, no count changes', async () => {
      const devices = [await bed.device('rt-shopper'), await bed.device('rt-shopper')].map((d) => d.json.endpoint);
      const id = await bed.send(['rt-shopper'], { title: 'Drop', digest: { key: 'retry', windowSeconds: 60 } });
      expect(await bed.settled(id)).toMatchObject({ pushTargets: 2, pushed: 0, pushSkipped: 2 });
      // The summary's first request (whichever device it is) is asked to retry.
      bed.push.respondWith(429);
      const before = bed.push.attempts.length;
      await advanceTo(new Date(clock + 60_000).toISOString());
      await bed.push.waitFor(() => devices.every((endpoint) => bed.push.receivedFor(endpoint).length === 1));
      const attempts = bed.push.attempts.slice(before);
      const asked = attempts[0]!.endpoint;
      expect(attempts.map((a) => [a.endpoint === asked, a.status])).toEqual([[true, 429], [false, 201], [true, 201]]);
      for (const endpoint of devices) {
        expect(summaryOf(bed.push.receivedFor(endpoint)[0]!)).toMatchObject({ kind: 'summary', reason: 'digest', count: 1, message: { id } });
      }
      // The retry is the summary's, not one of the message's pushes.
      expect(await bed.settled(id)).toMatchObject({ pushTargets: 2, pushed: 0, pushFailed: 0, pushSkipped: 2 });
    });

    it.skipIf(skip)('gives a device\'s summary up after the push queue\'s attempts, sending it nowhere twice', async () => {
      const devices = [await bed.device('rg-shopper'), await bed.device('rg-shopper')].map((d) => d.json.endpoint);
      const id = await bed.send(['rg-shopper'], { title: 'Drop', digest: { key: 'give-up', windowSeconds: 60 } });
      await bed.settled(id);
      // First request 503, then the other device 201, then the first device's 5 retries (6 attempts in all) 503.
      bed.push.respondWith(503);
      bed.push.respondWith(201);
      bed.push.respondWith(503, 5);
      const before = bed.push.attempts.length;
      await advanceTo(new Date(clock + 60_000).toISOString());
      await bed.push.waitFor(() => bed.push.attempts.length - before === 7);
      const asked = bed.push.attempts[before]!.endpoint;
      const other = devices.find((endpoint) => endpoint !== asked)!;
      expect(bed.push.attempts.slice(before).map((a) => [a.endpoint === asked, a.status])).toEqual([
        [true, 503], [false, 201], [true, 503], [true, 503], [true, 503], [true, 503], [true, 503],
      ]);
      expect(bed.push.receivedFor(other)).toHaveLength(1);
      expect(bed.push.receivedFor(asked)).toHaveLength(0);
      expect(await bed.settled(id)).toMatchObject({ pushTargets: 2, pushed: 0, pushFailed: 0, pushSkipped: 2 });
    });
  });

  describe('a summary waiting for its retry', () => {

    it.skipIf(skip)('is not sent once its newest message was retracted', async () => {
      const device = (await bed.device('rr-shopper')).json.endpoint;
      const id = await bed.send(['rr-shopper'], { title: 'Wrong price', digest: { key: 'retracted', windowSeconds: 60 } });
      await bed.settled(id);
      // Asked to come back in a second (the whole push service pauses): the summary waits in the push queue.
      bed.push.respondWith(429, 1, { 'retry-after': '1' });
      const skippedBefore = await outcomes('skipped');
      await advanceTo(new Date(clock + 60_000).toISOString());
      expect(bed.push.attempts.at(-1)).toMatchObject({ endpoint: device, status: 429 });
      const res = await fetch(`${bed.server.url}/api/v1/messages/${id}/retract`, { method: 'POST', headers: { authorization: `Bearer ${TEST_MERCHANT_KEY}` } });
      expect(res.status).toBe(200);
      // The retraction goes out; the summary's job is settled as skipped, unsent.
      await bed.push.waitFor(() => bed.push.receivedFor(device).length === 1);
      await until(() => outcomes('skipped'), (n) => n >= skippedBefore + 1);
      expect(bed.push.receivedFor(device).map((p) => JSON.parse(p.plaintext).kind)).toEqual(['retracted']);
    });
  });

  describe('preferences changed while a summary waits for its retry', () => {
    /** Sends the messages into one digest of the shopper, and has the summary's first push asked to retry in `retryAfter` s. */
    async function summaryAskedToRetry(userId: string, messages: Record<string, unknown>[], retryAfter = '2'): Promise<string[]> {
      const ids: string[] = [];
      for (const message of messages) ids.push(await bed.send([userId], { ...message, digest: { key: `${userId}-d`, windowSeconds: 60, title: '{count} news' } }));
      for (const id of ids) await bed.settled(id);
      bed.push.respondWith(429, 1, { 'retry-after': retryAfter });
      const before = bed.push.attempts.length;
      await advanceTo(new Date(clock + 60_000).toISOString());
      await bed.push.waitFor(() => bed.push.attempts.length > before);
      expect(bed.push.attempts.at(-1)!.status).toBe(429);
      return ids;
    }

    it.skipIf(skip)('leaves out the messages the shopper muted meanwhile: count, title and target are the rest\'s', async () => {
      const device = (await bed.device('pm-shopper')).json.endpoint;
      const [order] = await summaryAskedToRetry('pm-shopper', [{ category: 'order', title: 'Shipped' }, { category: 'promotion', title: 'Sale' }]);
      await savePreferences('pm-shopper', { mutedCategories: ['promotion'] });
      await bed.push.waitFor(() => bed.push.receivedFor(device).length === 1);
      expect(summaryOf(bed.push.receivedFor(device)[0]!)).toMatchObject({ reason: 'digest', count: 1, title: '1 news', message: { id: order, title: 'Shipped' } });
    });

    it.skipIf(skip)('is dropped when the shopper muted every message it summarises meanwhile', async () => {
      const device = (await bed.device('pa-shopper')).json.endpoint;
      await summaryAskedToRetry('pa-shopper', [{ category: 'promotion', title: 'Sale' }, { category: 'promotion', title: 'Sale 2' }]);
      const skippedBefore = await outcomes('skipped');
      await savePreferences('pa-shopper', { mutedCategories: ['promotion'] });
      await until(() => outcomes('skipped'), (n) => n >= skippedBefore + 1);
      expect(bed.push.receivedFor(device)).toHaveLength(0);
    });

    it.skipIf(skip)('falling in quiet hours that silence meanwhile, is dropped like any push', async () => {
      const device = (await bed.device('ps-shopper')).json.endpoint;
      await savePreferences('ps-shopper', { quietHours: { start: '22:00', end: '07:00', allowUrgent: true, deferred: false }, timeZone: 'UTC' });
      clock = Date.parse('2026-01-25T21:58:00Z');
      await summaryAskedToRetry('ps-shopper', [{ title: 'Shipped' }]);
      const skippedBefore = await outcomes('skipped');
      clock = Date.parse('2026-01-25T23:00:00Z');
      await until(() => outcomes('skipped'), (n) => n >= skippedBefore + 1);
      expect(bed.push.receivedFor(device)).toHaveLength(0);
      expect(await holdsLeft()).toBeUndefined();
    });

    it.skipIf(skip)('falling in deferred quiet hours meanwhile, waits for their end, then goes to that device', async () => {
      const device = (await bed.device('pq-shopper')).json.endpoint;
      await savePreferences('pq-shopper', { quietHours: { start: '22:00', end: '07:00', allowUrgent: true, deferred: true }, timeZone: 'UTC' });
      clock = Date.parse('2026-01-20T21:58:00Z');
      const [id] = await summaryAskedToRetry('pq-shopper', [{ title: 'Shipped' }]);
      // Its retry comes up with the shopper's clock at 06:59:58, in quiet hours: it waits; nothing is held for the shopper's other devices.
      clock = Date.parse('2026-01-21T06:59:58Z');
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(bed.push.receivedFor(device)).toHaveLength(0);
      expect(await holdsLeft()).toBeUndefined();
      expect(await outcomes('postponed')).toBeGreaterThan(0);
      clock = Date.parse('2026-01-21T07:00:00Z');
      await bed.push.waitFor(() => bed.push.receivedFor(device).length === 1);
      expect(summaryOf(bed.push.receivedFor(device)[0]!)).toMatchObject({ reason: 'digest', count: 1, message: { id } });
      // One request asked to retry, one delivered: waiting was no attempt.
      expect(bed.push.attempts.filter((a) => a.endpoint === device).map((a) => a.status)).toEqual([429, 201]);
    });

    it.skipIf(skip)('and at release: a summary leaves out what the shopper muted since the messages were held', async () => {
      const device = (await bed.device('pr-shopper')).json.endpoint;
      const order = await bed.send(['pr-shopper'], { category: 'order', title: 'Shipped', digest: { key: 'pr', windowSeconds: 60 } });
      await bed.settled(order);
      await bed.settled(await bed.send(['pr-shopper'], { category: 'promotion', title: 'Sale', digest: { key: 'pr', windowSeconds: 60 } }));
      await savePreferences('pr-shopper', { mutedCategories: ['promotion'] });
      await advanceTo(new Date(clock + 60_000).toISOString());
      await bed.push.waitFor(() => bed.push.receivedFor(device).length === 1);
      expect(summaryOf(bed.push.receivedFor(device)[0]!)).toMatchObject({ count: 1, message: { id: order } });
    });
  });

  describe('quiet hours that defer', () => {
    it.skipIf(skip)('holds 3 messages in quiet hours (an urgent one passes) and sends one summary when they end', async () => {
      const device = await bed.device('qd-shopper');
      await savePreferences('qd-shopper', { quietHours: { start: '22:00', end: '07:00', allowUrgent: true, deferred: true }, timeZone: 'Asia/Shanghai' });
      // 23:00 in Shanghai.
      clock = Date.parse('2026-01-05T15:00:00Z');
      const held: string[] = [];
      for (const title of ['Order shipped', 'Review reply', 'Parcel in town']) {
        clock += 60_000;
        held.push(await bed.send(['qd-shopper'], { title, priority: 4 }));
      }
      const urgent = await bed.send(['qd-shopper'], { title: 'Payment failed', priority: 5 });
      for (const id of held) expect(await bed.settled(id)).toMatchObject({ pushed: 0, pushSkipped: 1 });
      expect(await bed.settled(urgent)).toMatchObject({ pushed: 1 });
      expect(bed.push.receivedFor(device.json.endpoint).map((p) => payloadOf(p).message.title)).toEqual(['Payment failed']);

      // 06:59 there: still quiet. 07:00 (23:00 UTC): one summary of the three, the newest as its target.
      await advanceTo('2026-01-05T22:59:00Z');
      expect(bed.push.receivedFor(device.json.endpoint)).toHaveLength(1);
      await advanceTo('2026-01-05T23:00:00Z');
      await until(async () => bed.push.receivedFor(device.json.endpoint).length, (n) => n === 2);
      const summary = summaryOf(bed.push.receivedFor(device.json.endpoint)[1]!);
      expect(summary).toMatchObject({ kind: 'summary', reason: 'quiet-hours', count: 3, message: { id: held[2], title: 'Parcel in town' } });
      expect(summary.title).toBeUndefined();
    });

    it.skipIf(skip)('still silences quiet hours by default: nothing is sent when they end', async () => {
      const device = await bed.device('qs-shopper');
      await savePreferences('qs-shopper', { quietHours: { start: '22:00', end: '07:00', allowUrgent: true, deferred: false }, timeZone: 'UTC' });
      clock = Date.parse('2026-01-06T23:00:00Z');
      expect(await bed.settled(await bed.send(['qs-shopper'], { title: 'Silenced' }))).toMatchObject({ pushSkipped: 1 });
      expect(await holdsLeft()).toBeUndefined();
      await advanceTo('2026-01-07T07:00:00Z');
      expect(bed.push.receivedFor(device.json.endpoint)).toHaveLength(0);
    });

    it.skipIf(skip)('defers a digest whose window ends in deferred quiet hours into the summary after them', async () => {
      const device = await bed.device('qdg-shopper');
      await savePreferences('qdg-shopper', { quietHours: { start: '22:00', end: '07:00', allowUrgent: true, deferred: true }, timeZone: 'UTC' });
      clock = Date.parse('2026-01-08T21:55:00Z');
      await bed.settled(await bed.send(['qdg-shopper'], { title: 'Drop A', digest: { key: 'late', windowSeconds: 600 } }));
      await bed.settled(await bed.send(['qdg-shopper'], { title: 'Drop B', digest: { key: 'late', windowSeconds: 600 } }));
      await advanceTo('2026-01-08T22:05:00Z');
      expect(bed.push.receivedFor(device.json.endpoint)).toHaveLength(0);
      await advanceTo('2026-01-09T07:00:00Z');
      await until(async () => bed.push.receivedFor(device.json.endpoint).length, (n) => n === 1);
      expect(summaryOf(bed.push.receivedFor(device.json.endpoint)[0]!)).toMatchObject({ reason: 'quiet-hours', count: 2 });
    });
  });

  describe('bad input', () => {
    const messageCount = async () => {
      const res = await fetch(`${bed.server.url}/api/v1/messages?limit=200`, { headers: { authorization: `Bearer ${TEST_MERCHANT_KEY}` } });
      return ((await res.json()) as { messages: unknown[] }).messages.length;
    };

    it.skipIf(skip).each([
      ['a key with a space', { key: 'price drop', windowSeconds: 600 }],
      ['a key of 65 characters', { key: 'k'.repeat(65), windowSeconds: 600 }],
      ['a window under a minute', { key: 'drop', windowSeconds: 59 }],
      ['a window over a day', { key: 'drop', windowSeconds: 86_401 }],
      ['a window in fractions', { key: 'drop', windowSeconds: 600.5 }],
      ['a window as text', { key: 'drop', windowSeconds: '600' }],
      ['no window', { key: 'drop' }],
      ['a blank title', { key: 'drop', windowSeconds: 600, title: '  ' }],
      ['an unknown field', { key: 'drop', windowSeconds: 600, every: 'day' }],
      ['not an object', 'drop'],
    ])('refuses a digest with %s: 400, nothing stored', async (_case, digest) => {
      const before = await messageCount();
      const res = await bed.server.send({ to: { userIds: ['bad-digest'] }, category: 'order', title: 'x', digest });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'validation-failed', message: expect.stringContaining('digest') });
      expect(await messageCount()).toBe(before);
      expect(await bed.server.store.readEvents('bad-digest', 0, 10)).toEqual([]);
    });

    it.skipIf(skip)('refuses a digest on a repeating message', async () => {
      const res = await bed.server.send({ to: { userIds: ['bad-digest'] }, category: 'order', title: 'x', repeat: { cron: '0 9 * * *' }, digest: { key: 'd', windowSeconds: 60 } });
      expect(res.status).toBe(400);
    });

    it.skipIf(skip).each([['text', 'yes'], ['a number', 1], ['null', null]])('refuses quietHours.deferred as %s: 400, preferences unchanged', async (_case, deferred) => {
      await savePreferences('bad-deferred', { quietHours: { start: '22:00', end: '07:00', allowUrgent: true, deferred: true } });
      const before = await bed.server.store.getPreferences('bad-deferred');
      const res = await fetch(`${bed.server.url}/api/v1/me/preferences`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await bed.server.tokenFor('bad-deferred')}` },
        body: JSON.stringify({ preferences: { quietHours: { start: '22:00', end: '07:00', deferred } }, changedAt: '2027-01-01T00:00:00.000Z' }),
      });
      expect(res.status).toBe(400);
      expect(await bed.server.store.getPreferences('bad-deferred')).toEqual(before);
    });
  });
});
