import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messagesOf } from '../../shared/event.schema.js';
import { api, until } from '../test-support/api.js';
import { StreamClient } from '../test-support/stream-client.js';
import { messageTo, startTestServer, type TestServer } from '../test-support/test-server.js';
import { nextOccurrence } from '../../shared/recurrence.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ lifecycle: { schedulerPollMs: 50 } });
});
afterAll(() => server.close());

const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();

describe('scheduled messages', () => {
  it('answers 202 scheduled and lists it while not due; delivers it once when due, live, not before', async () => {
    // Listed and undelivered is checked on a message an hour away, so no slow moment can make it due mid-check.
    const later = await api(server.url, 'POST', '/messages', messageTo(['sch-1-later'], { deliverAt: inMs(3_600_000) }));
    expect(later.status).toBe(202);
    expect(later.body).toMatchObject({ status: 'scheduled', recipients: 0 });
    const listed = await api(server.url, 'GET', '/messages?status=scheduled');
    expect(listed.body.messages.map((m: { id: string }) => m.id)).toContain(later.body.id);
    expect(await server.store.readEvents('sch-1-later', 0, 10)).toEqual([]);
    await api(server.url, 'DELETE', `/messages/${later.body.id}`);

    const stream = await StreamClient.connect(server.wsUrl, await server.tokenFor('sch-1'));
    const due = Date.now() + 400;
    const res = await api(server.url, 'POST', '/messages', messageTo(['sch-1'], { deliverAt: new Date(due).toISOString() }));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'scheduled', recipients: 0 });

    await stream.waitForEvents(1);
    // Arriving is proof it was sent; arriving no earlier than due is proof it waited.
    expect(Date.now()).toBeGreaterThanOrEqual(due);
    const [message] = messagesOf(stream.events);
    expect(message).toMatchObject({ id: res.body.id, type: 'scheduled' });
    // The delivered message carries when it went out: at or after the requested time.
    expect(Date.parse(message!.deliverAt!)).toBeGreaterThanOrEqual(due);
    const status = await api(server.url, 'GET', `/messages/${res.body.id}`);
    expect(status.body).toMatchObject({ status: 'sent', recipients: 1 });
    const after = await api(server.url, 'GET', '/messages?status=scheduled');
    expect(after.body.messages.map((m: { id: string }) => m.id)).not.toContain(res.body.id);
    stream.close();
  });

  it('counts its passes in /metrics, so tests can wait for a pass instead of sleeping', async () => {
    const steps = async () => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      return Number(/^tidings_scheduler_steps_total (\d+)$/m.exec(text)?.[1]);
    };
    const before = await steps();
    expect(Number.isInteger(before)).toBe(true);
    // Polling every 50 ms, it makes more passes while nothing is due.
    await until(steps, (now) => now >= before + 2);
  });

  it('sends a deliverAt in the past at once, as queued', async () => {
    const res = await api(server.url, 'POST', '/messages', messageTo(['sch-past'], { deliverAt: inMs(-60_000) }));
    expect(res.body).toMatchObject({ status: 'queued', recipients: 1 });
    expect(await server.store.readEvents('sch-past', 0, 10)).toHaveLength(1);
  });

  it('never delivers a cancelled message; cancelling twice is fine; a sent one is 409', async () => {
    const res = await api(server.url, 'POST', '/messages', messageTo(['sch-cancel'], { deliverAt: inMs(1_000) }));
    const cancel = await api(server.url, 'DELETE', `/messages/${res.body.id}`);
    expect(cancel.status).toBe(200);
    expect(cancel.body).toEqual({ id: res.body.id, status: 'cancelled' });
    expect((await api(server.url, 'DELETE', `/messages/${res.body.id}`)).status).toBe(200);
    // A marker due after the cancelled one: the scheduler tick that sends it has passed the cancelled one's due time.
    const marker = await api(server.url, 'POST', '/messages', messageTo(['sch-cancel'], { title: 'Marker', deliverAt: inMs(1_100) }));
    const events = await until(
      () => server.store.readEvents('sch-cancel', 0, 10),
      (e) => messagesOf(e).some((m) => m.id === marker.body.id),
    );
    expect(messagesOf(events).map((m) => m.id)).toEqual([marker.body.id]);

    const sent = await api(server.url, 'POST', '/messages', messageTo(['sch-cancel']));
    const late = await api(server.url, 'DELETE', `/messages/${sent.body.id}`);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('already-sent');
    const unknown = await api(server.url, 'DELETE', '/messages/no-such-id');
    expect(unknown.status).toBe(404);
  });

  it('pages the scheduled list by keyset', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await api(server.url, 'POST', '/messages', messageTo(['sch-page'], { deliverAt: inMs(3_600_000) }))).body.id);
    }
    const seen: string[] = [];
    let after = '';
    for (;;) {
      const page = await api(server.url, 'GET', `/messages?status=scheduled&limit=2&after=${after}`);
      seen.push(...page.body.messages.map((m: { id: string }) => m.id));
      if (!page.body.next) break;
      after = page.body.next;
    }
    expect(seen).toEqual(expect.arrayContaining(ids));
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of ids) await api(server.url, 'DELETE', `/messages/${id}`);
  });

  it('delivers each occurrence of a recurring message once and keeps the series scheduled', async () => {
    const res = await api(server.url, 'POST', '/messages', messageTo(['sch-cron'], { repeat: { cron: '0 9 * * *', tz: 'Europe/Berlin' } }));
    expect(res.body.status).toBe('scheduled');
    const status = await api(server.url, 'GET', `/messages/${res.body.id}`);
    expect(status.body.schedule).toMatchObject({ cron: '0 9 * * *', tz: 'Europe/Berlin', occurrences: 0 });
    const due = Date.parse(status.body.schedule.dueAt);
    expect(new Date(due).getUTCHours()).toBeOneOf([7, 8]); // 09:00 Berlin, summer or winter time

    // The store directly, with the clock past the first slot: one occurrence, and not again for the same instant.
    const lifecycle = server.store.lifecycle;
    const first = await lifecycle.deliverDue(due + 1000, 100, nextOccurrence);
    const again = await lifecycle.deliverDue(due + 1000, 100, nextOccurrence);
    expect(first.events.filter((e) => e.userId === 'sch-cron')).toHaveLength(1);
    expect(again.events.filter((e) => e.userId === 'sch-cron')).toHaveLength(0);
    const [occurrence] = messagesOf(await server.store.readEvents('sch-cron', 0, 10));
    expect(occurrence!.id).toBe(`${res.body.id}.1`);
    const later = await api(server.url, 'GET', `/messages/${res.body.id}`);
    expect(later.body).toMatchObject({ status: 'scheduled', schedule: { occurrences: 1 } });
    expect(Date.parse(later.body.schedule.dueAt)).toBeGreaterThan(due);

    expect((await api(server.url, 'DELETE', `/messages/${res.body.id}`)).status).toBe(200);
    const stopped = await lifecycle.deliverDue(due + 7 * 86_400_000, 100, nextOccurrence);
    expect(stopped.events.filter((e) => e.userId === 'sch-cron')).toHaveLength(0);
  });

  it('does not deliver a scheduled message whose expiry passed first', async () => {
    // Past the API's checks on purpose: the store's rule is what protects a message that waited through an outage.
    const now = Date.now();
    const id = 'sch-expired-message';
    const probe = await api(server.url, 'POST', '/messages', messageTo(['sch-probe']));
    const { merchantId } = (await server.store.getMessage(probe.body.id))!;
    await server.store.lifecycle.accept({
      message: { id, type: 'scheduled', category: 'promotion', priority: 3, title: 'Sale ends soon', createdAt: new Date(now).toISOString(), expiresAt: new Date(now + 10).toISOString() },
      merchantId,
      target: { userIds: ['sch-expired'] },
      schedule: { dueAt: now + 5 },
      now,
    });
    await until(() => api(server.url, 'GET', `/messages/${id}`), (res) => res.body.status === 'expired');
    expect(await server.store.readEvents('sch-expired', 0, 10)).toEqual([]);
  });

  it.each([
    ['a cron with a bad field', { repeat: { cron: 'every day' } }, 'repeat.cron'],
    ['a cron that never occurs', { repeat: { cron: '0 9 30 2 *' } }, 'repeat.cron'],
    ['a cron faster than once a minute', { repeat: { cron: '* * * * * *' } }, 'repeat.cron'],
    ['an unknown time zone', { repeat: { cron: '0 9 * * *', tz: 'Mars/Olympus' } }, 'repeat.tz'],
    ['deliverAt without an offset', { deliverAt: '2030-01-01T09:00:00' }, 'deliverAt'],
    ['expiresAt before deliverAt', { deliverAt: inMs(7_200_000), expiresAt: inMs(3_600_000) }, 'expiresAt'],
    ['expiresAt with repeat', { repeat: { cron: '0 9 * * *' }, expiresAt: inMs(3_600_000) }, 'expiresAt'],
    ['type scheduled without a time', { type: 'scheduled' }, 'type'],
    ['unknown fields in repeat', { repeat: { cron: '0 9 * * *', every: 'day' } }, 'repeat'],
  ])('refuses %s with 400 naming the field, storing nothing', async (_what, fields, path) => {
    const res = await api(server.url, 'POST', '/messages', messageTo(['sch-bad'], fields));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation-failed');
    expect(res.body.error.issues.map((i: { path: string }) => i.path).join(' ')).toContain(path);
    expect(await server.store.readEvents('sch-bad', 0, 10)).toEqual([]);
  });

  it('refuses a bad list query', async () => {
    expect((await api(server.url, 'GET', '/messages?status=delivered')).status).toBe(400);
    expect((await api(server.url, 'GET', '/messages?status=scheduled&limit=0')).status).toBe(400);
  });
});
