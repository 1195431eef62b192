import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messagesOf } from '../../shared/event.schema.js';
import { preferencesSchema } from '../../shared/preferences.schema.js';
import { api, until } from '../test-support/api.js';
import { createTestSchema, type TestSchema } from '../test-support/postgres-schema.js';
import { postgresAvailable, requireService } from '../test-support/services.js';
import { StreamClient } from '../test-support/stream-client.js';
import { messageTo, startTestServer, type TestServer } from '../test-support/test-server.js';
import type { Store } from '../store/store.js';

const pgAvailable = requireService('PostgreSQL', await postgresAvailable());

/**
 * Messages at each shopper's local time (issue 15), on a simulated clock: the
 * server's accept and scheduler read `clock`, and a test moves it by hours.
 */
describe.each([
  { name: 'SQLite', skip: false },
  { name: 'PostgreSQL', skip: !pgAvailable },
])('local-time delivery on $name', ({ name, skip }) => {
  let clock = 0;
  let server: TestServer;
  let schema: TestSchema | undefined;

  beforeAll(async () => {
    if (skip) return;
    let store: Store | undefined;
    if (name === 'PostgreSQL') {
      schema = await createTestSchema();
      store = await schema.open();
    }
    server = await startTestServer({ ...(store ? { store } : {}), lifecycle: { schedulerPollMs: 20, now: () => clock } });
  });
  afterAll(async () => {
    await server?.close();
    await schema?.drop();
  });

  async function livesIn(userId: string, timeZone: string) {
    await server.store.savePreferences(userId, { preferences: preferencesSchema.parse({ timeZone }), changedAt: new Date().toISOString() });
  }
  const inbox = async (userId: string) => messagesOf(await server.store.readEvents(userId, 0, 100)).map((m) => m.id);
  const status = async (id: string) => (await api(server.url, 'GET', `/messages/${id}`)).body;
  async function schedulerPasses(): Promise<number> {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    return Number(/^tidings_scheduler_steps_total (\d+)$/m.exec(text)?.[1]);
  }
  /**
   * Moves the simulated clock and waits for two whole scheduler passes at the new time. Every
   * test starts this way too: a pass that read the previous test's later clock may still be
   * running its queries (PostgreSQL), and would deliver a message sent now as long overdue.
   */
  async function setClock(iso: string) {
    clock = Date.parse(iso);
    const before = await schedulerPasses();
    server.app.scheduler.wake();
    await until(schedulerPasses, (n) => n >= before + 2);
  }

  /** 09:00 local in Berlin and Los Angeles, the clock at 09:00 in Berlin: sent to one zone, the other waiting. */
  async function sentToBerlinNotYetLosAngeles(p: string): Promise<string> {
    await livesIn(`${p}-berlin`, 'Europe/Berlin');
    await livesIn(`${p}-la`, 'America/Los_Angeles');
    await setClock('2026-07-01T00:00:00Z');
    const sent = await api(server.url, 'POST', '/messages', messageTo([`${p}-berlin`, `${p}-la`], { deliverAtLocal: '2026-07-01T09:00' }));
    await setClock('2026-07-01T07:00:00Z');
    return sent.body.id as string;
  }

  /** A daily 09:00 at each recipient's local time, for a shopper in Shanghai and one in Los Angeles, accepted at `startIso`. */
  async function dailyInShanghaiAndLosAngeles(p: string, startIso: string): Promise<string> {
    await livesIn(`${p}-shanghai`, 'Asia/Shanghai');
    await livesIn(`${p}-la`, 'America/Los_Angeles');
    await setClock(startIso);
    const sent = await api(server.url, 'POST', '/messages', messageTo([`${p}-shanghai`, `${p}-la`], { repeat: { cron: '0 9 * * *', tz: 'recipient' } }));
    return sent.body.id as string;
  }

  it.skipIf(skip)('delivers 02:30 on a spring-forward day at each shopper\'s local time, the gap at 03:00, each once', async () => {
    const p = `${name}-dst`;
    await livesIn(`${p}-shanghai`, 'Asia/Shanghai');
    await livesIn(`${p}-berlin`, 'Europe/Berlin');
    await livesIn(`${p}-la`, 'America/Los_Angeles');
    const users = [`${p}-shanghai`, `${p}-berlin`, `${p}-la`, `${p}-nozone`];
    await setClock('2026-03-07T12:00:00Z');
    // Los Angeles jumps from 02:00 to 03:00 on 8 March: its 02:30 does not exist and is delivered at 03:00 PDT (10:00 UTC).
    const sent = await api(server.url, 'POST', '/messages', messageTo(users, { deliverAtLocal: '2026-03-08T02:30', fallbackTz: 'Asia/Tokyo' }));
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ status: 'scheduled', recipients: 0 });
    const id = sent.body.id as string;
    expect((await status(id)).localTime).toEqual({
      deliverAtLocal: '2026-03-08T02:30',
      cron: null,
      fallbackTz: 'Asia/Tokyo',
      scheduled: 4,
      sent: 0,
      late: 0,
      first: { zone: 'Asia/Tokyo', at: '2026-03-07T17:30:00.000Z' },
      last: { zone: 'America/Los_Angeles', at: '2026-03-08T10:00:00.000Z' },
      zones: [
        { zone: 'Asia/Tokyo', at: '2026-03-07T17:30:00.000Z', recipients: 1, scheduled: 1, sent: 0, late: 0 },
        { zone: 'Asia/Shanghai', at: '2026-03-07T18:30:00.000Z', recipients: 1, scheduled: 1, sent: 0, late: 0 },
        { zone: 'Europe/Berlin', at: '2026-03-08T01:30:00.000Z', recipients: 1, scheduled: 1, sent: 0, late: 0 },
        { zone: 'America/Los_Angeles', at: '2026-03-08T10:00:00.000Z', recipients: 1, scheduled: 1, sent: 0, late: 0 },
      ],
    });

    const listed = await api(server.url, 'GET', '/messages?status=scheduled&limit=200');
    expect(listed.body.messages.find((m: { id: string }) => m.id === id)).toMatchObject({ dueAt: '2026-03-07T17:30:00.000Z', tz: 'recipient', cron: null });

    const reached = async () => Promise.all(users.map(async (u) => (await inbox(u)).length));
    await setClock('2026-03-07T17:29:59Z');
    expect(await reached()).toEqual([0, 0, 0, 0]);
    await setClock('2026-03-07T17:30:00Z');
    expect(await reached()).toEqual([0, 0, 0, 1]);
    await setClock('2026-03-08T01:30:00Z');
    expect(await reached()).toEqual([1, 1, 0, 1]);
    expect(await status(id)).toMatchObject({ status: 'scheduled', recipients: 3, localTime: { scheduled: 1, sent: 3 } });
    await setClock('2026-03-08T09:59:59Z');
    expect(await reached()).toEqual([1, 1, 0, 1]);
    await setClock('2026-03-08T10:00:00Z');
    for (const user of users) expect(await inbox(user)).toEqual([id]);
    expect(await status(id)).toMatchObject({ status: 'sent', recipients: 4, localTime: { scheduled: 0, sent: 4, late: 0 } });
    // The delivery dashboard counts it once, on the day its first zone went out, with all its recipients.
    const stats = await api(server.url, 'GET', '/stats/deliveries?from=2026-03-07&to=2026-03-08&tz=UTC');
    expect(stats.body.days).toMatchObject([
      { day: '2026-03-07', sent: 1, recipients: 4 },
      { day: '2026-03-08', sent: 0, recipients: 0 },
    ]);
  });

  it.skipIf(skip)('sends at once to shoppers whose local time has already passed, and counts them late', async () => {
    const p = `${name}-late`;
    await livesIn(`${p}-shanghai`, 'Asia/Shanghai');
    await livesIn(`${p}-berlin`, 'Europe/Berlin');
    await livesIn(`${p}-la`, 'America/Los_Angeles');
    // 08:00 UTC: 09:00 has passed in Shanghai (01:00 UTC) and Berlin (07:00 UTC), not in Los Angeles (16:00 UTC).
    await setClock('2026-06-15T08:00:00Z');
    const sent = await api(server.url, 'POST', '/messages', messageTo([`${p}-shanghai`, `${p}-berlin`, `${p}-la`], { deliverAtLocal: '2026-06-15T09:00' }));
    const id = sent.body.id as string;
    // No clock move: the scheduler, woken by the accept, sends the late ones now.
    await until(() => inbox(`${p}-berlin`), (ids) => ids.length > 0);
    expect(await inbox(`${p}-shanghai`)).toEqual([id]);
    expect(await inbox(`${p}-la`)).toEqual([]);
    expect((await status(id)).localTime).toMatchObject({ scheduled: 1, sent: 2, late: 2 });
    await setClock('2026-06-15T16:00:00Z');
    expect(await inbox(`${p}-la`)).toEqual([id]);
    expect((await status(id)).localTime).toMatchObject({ scheduled: 0, sent: 3, late: 2 });
  });

  it.skipIf(skip)('sends to a topic\'s subscribers at their local time, those subscribed when it was accepted', async () => {
    const p = `${name}-topic`;
    const topic = `birthdays-${name.toLowerCase()}`;
    await livesIn(`${p}-shanghai`, 'Asia/Shanghai');
    await livesIn(`${p}-la`, 'America/Los_Angeles');
    await setClock('2026-06-14T00:00:00Z');
    for (const user of [`${p}-shanghai`, `${p}-la`, `${p}-utc`]) await server.store.lifecycle.subscribeTopic(user, topic, clock);
    const sent = await api(server.url, 'POST', '/messages', {
      to: { topic },
      category: 'promotion',
      title: 'Happy birthday!',
      deliverAtLocal: '2026-06-15T09:00',
    });
    expect(sent.status).toBe(202);
    const id = sent.body.id as string;
    await server.store.lifecycle.subscribeTopic(`${p}-later`, topic, clock + 1);
    expect((await status(id)).localTime).toMatchObject({
      scheduled: 3,
      first: { zone: 'Asia/Shanghai', at: '2026-06-15T01:00:00.000Z' },
      last: { zone: 'America/Los_Angeles', at: '2026-06-15T16:00:00.000Z' },
    });
    await setClock('2026-06-15T09:00:00Z');
    expect([await inbox(`${p}-shanghai`), await inbox(`${p}-utc`), await inbox(`${p}-la`)]).toEqual([[id], [id], []]);
    await setClock('2026-06-15T16:00:00Z');
    expect(await inbox(`${p}-la`)).toEqual([id]);
    expect(await inbox(`${p}-later`)).toEqual([]);
    expect(await status(id)).toMatchObject({ status: 'sent', recipients: 3, localTime: { sent: 3, scheduled: 0 } });
  });

  it.skipIf(skip)('keeps the zone a shopper had when it was accepted, whatever they change later', async () => {
    const p = `${name}-moved`;
    await livesIn(`${p}-mover`, 'Europe/Berlin');
    await setClock('2026-09-01T00:00:00Z');
    const sent = await api(server.url, 'POST', '/messages', messageTo([`${p}-mover`], { deliverAtLocal: '2026-09-01T09:00' }));
    await livesIn(`${p}-mover`, 'America/Los_Angeles');
    await setClock('2026-09-01T07:00:00Z'); // 09:00 in Berlin
    expect(await inbox(`${p}-mover`)).toEqual([sent.body.id]);
    await setClock('2026-09-01T16:00:00Z'); // 09:00 in Los Angeles: not again
    expect(await inbox(`${p}-mover`)).toEqual([sent.body.id]);
  });

  it.skipIf(skip)('never sends to a zone whose local time comes after expiresAt; expired when it reached nobody', async () => {
    const p = `${name}-expiry`;
    await livesIn(`${p}-berlin`, 'Europe/Berlin');
    await livesIn(`${p}-la`, 'America/Los_Angeles');
    // A year ahead of the real clock: expiresAt must be in the future when the request is checked.
    await setClock('2027-06-14T00:00:00Z');
    const body = messageTo([`${p}-berlin`, `${p}-la`], { deliverAtLocal: '2027-06-15T09:00', expiresAt: '2027-06-15T12:00:00Z' });
    const partly = (await api(server.url, 'POST', '/messages', body)).body.id as string;
    const never = (await api(server.url, 'POST', '/messages', { ...body, expiresAt: '2027-06-15T06:00:00Z' })).body.id as string;
    await setClock('2027-06-15T07:00:00Z'); // 09:00 in Berlin
    await setClock('2027-06-15T16:00:00Z'); // 09:00 in Los Angeles, after both expired
    expect(await inbox(`${p}-berlin`)).toEqual([partly]);
    expect(await inbox(`${p}-la`)).toEqual([]);
    expect(await status(partly)).toMatchObject({ status: 'sent', recipients: 1, localTime: { scheduled: 0, sent: 1 } });
    expect(await status(never)).toMatchObject({ status: 'expired', recipients: 0, localTime: { scheduled: 0, sent: 0 } });
  });

  it.skipIf(skip)('plans once for a retry with the same Idempotency-Key', async () => {
    const p = `${name}-retry`;
    await setClock('2026-10-01T00:00:00Z');
    const body = messageTo([`${p}-a`, `${p}-b`], { deliverAtLocal: '2026-10-01T09:00', fallbackTz: 'Europe/Berlin' });
    const headers = { 'idempotency-key': `${p}-key` };
    const first = await api(server.url, 'POST', '/messages', body, { headers });
    const again = await api(server.url, 'POST', '/messages', body, { headers });
    expect(again.body).toEqual(first.body);
    expect((await status(first.body.id)).localTime).toMatchObject({ scheduled: 2, zones: [{ zone: 'Europe/Berlin', recipients: 2 }] });
    await setClock('2026-10-01T07:00:00Z');
    expect([await inbox(`${p}-a`), await inbox(`${p}-b`)]).toEqual([[first.body.id], [first.body.id]]);
  });

  it.skipIf(skip)('cancelling stops every zone still pending; those already reached keep it', async () => {
    const p = `${name}-cancel`;
    const id = await sentToBerlinNotYetLosAngeles(p);
    expect(await inbox(`${p}-berlin`)).toEqual([id]);
    expect((await api(server.url, 'DELETE', `/messages/${id}`)).body).toEqual({ id, status: 'cancelled' });
    await setClock('2026-07-01T16:00:00Z');
    expect(await inbox(`${p}-la`)).toEqual([]);
    expect(await status(id)).toMatchObject({ status: 'cancelled', localTime: { scheduled: 0, sent: 1 } });
  });

  it.skipIf(skip)('retracting a part-sent message stops the zones still waiting and retracts it from those reached', async () => {
    const p = `${name}-retract`;
    await livesIn(`${p}-tokyo`, 'Asia/Tokyo');
    await livesIn(`${p}-berlin`, 'Europe/Berlin');
    await livesIn(`${p}-la`, 'America/Los_Angeles');
    const users = [`${p}-tokyo`, `${p}-berlin`, `${p}-la`];
    await setClock('2026-06-30T20:00:00Z');
    const sent = await api(server.url, 'POST', '/messages', messageTo(users, { deliverAtLocal: '2026-07-01T09:00' }));
    const id = sent.body.id as string;
    // Nothing went out yet: still a cancel, not a retraction.
    expect((await api(server.url, 'POST', `/messages/${id}/retract`)).status).toBe(409);
    await setClock('2026-07-01T07:00:00Z'); // Tokyo (00:00 UTC) and Berlin (07:00 UTC) got it
    expect(await inbox(`${p}-tokyo`)).toEqual([id]);
    const retracted = await api(server.url, 'POST', `/messages/${id}/retract`);
    expect(retracted.status).toBe(200);
    expect(retracted.body).toEqual({ id, status: 'retracted', recipients: 2 });
    for (const reached of [`${p}-tokyo`, `${p}-berlin`]) {
      expect((await server.store.readEvents(reached, 0, 100)).at(-1)).toMatchObject({ kind: 'retracted', messageId: id });
    }
    await setClock('2026-07-01T17:00:00Z'); // 10:00 in Los Angeles
    expect(await inbox(`${p}-la`)).toEqual([]);
    expect(await status(id)).toMatchObject({ status: 'retracted', localTime: { scheduled: 0, sent: 2 } });
    expect((await api(server.url, 'POST', `/messages/${id}/retract`)).body).toEqual({ id, status: 'retracted', recipients: 0 });
  });

  it.skipIf(skip)('a part-sent message cancelled (the rest stopped) can still be retracted from those reached', async () => {
    const p = `${name}-cancel-retract`;
    const id = await sentToBerlinNotYetLosAngeles(p);
    expect((await api(server.url, 'DELETE', `/messages/${id}`)).body).toEqual({ id, status: 'cancelled' });
    expect((await api(server.url, 'POST', `/messages/${id}/retract`)).body).toEqual({ id, status: 'retracted', recipients: 1 });
    expect((await server.store.readEvents(`${p}-berlin`, 0, 100)).at(-1)).toMatchObject({ kind: 'retracted', messageId: id });
    await setClock('2026-07-01T17:00:00Z');
    expect(await inbox(`${p}-la`)).toEqual([]);
    expect(await status(id)).toMatchObject({ status: 'retracted', localTime: { scheduled: 0, sent: 1 } });
    // Retracted: nothing left to cancel.
    expect((await api(server.url, 'DELETE', `/messages/${id}`)).status).toBe(409);
  });

  /**
   * Every message event a shopper got, in order: a correction is a second event with the same id. The
   * log reads a message's current content, so an earlier event shows the correction too.
   */
  const received = async (userId: string) =>
    messagesOf(await server.store.readEvents(userId, 0, 100)).map((m) => ({ id: m.id, title: m.title, edited: m.editedAt !== undefined }));
  const correct = (id: string, patch: Record<string, unknown>) => api(server.url, 'PATCH', `/messages/${id}`, patch);

  it.skipIf(skip)('correcting a part-sent message corrects it for those reached; the zones still waiting get the new content', async () => {
    const p = `${name}-correct`;
    const id = await sentToBerlinNotYetLosAngeles(p);
    expect(await received(`${p}-berlin`)).toEqual([{ id, title: 'Order #1042 shipped', edited: false }]);
    const res = await correct(id, { title: 'Order #1043 shipped' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, title: 'Order #1043 shipped' });
    // Berlin: the correction, same id; Los Angeles: nothing yet.
    expect(await received(`${p}-berlin`)).toEqual([
      { id, title: 'Order #1043 shipped', edited: true },
      { id, title: 'Order #1043 shipped', edited: true },
    ]);
    expect(await received(`${p}-la`)).toEqual([]);
    expect(await status(id)).toMatchObject({ status: 'scheduled', recipients: 1, localTime: { scheduled: 1, sent: 1 } });
    await setClock('2026-07-01T16:00:00Z'); // 09:00 in Los Angeles
    expect(await received(`${p}-la`)).toEqual([{ id, title: 'Order #1043 shipped', edited: true }]);
    expect(await received(`${p}-berlin`)).toHaveLength(2);
    expect(await status(id)).toMatchObject({ status: 'sent', recipients: 2, localTime: { scheduled: 0, sent: 2 } });
  });

  it.skipIf(skip)('correcting before any zone went out changes what every zone gets and sends nothing now', async () => {
    const p = `${name}-correct-early`;
    await livesIn(`${p}-berlin`, 'Europe/Berlin');
    await livesIn(`${p}-la`, 'America/Los_Angeles');
    await setClock('2026-07-02T00:00:00Z');
    const id = (await api(server.url, 'POST', '/messages', messageTo([`${p}-berlin`, `${p}-la`], { deliverAtLocal: '2026-07-02T09:00' }))).body.id as string;
    expect((await correct(id, { title: 'Order #1043 shipped' })).status).toBe(200);
    expect([await received(`${p}-berlin`), await received(`${p}-la`)]).toEqual([[], []]);
    await setClock('2026-07-02T16:00:00Z');
    for (const user of [`${p}-berlin`, `${p}-la`]) expect(await received(user)).toEqual([{ id, title: 'Order #1043 shipped', edited: true }]);
  });

  it.skipIf(skip)('correcting a scheduled message changes what goes out; a cancelled one that reached nobody is 409 not-sent', async () => {
    const p = `${name}-correct-scheduled`;
    await setClock('2026-07-03T00:00:00Z');
    const id = (await api(server.url, 'POST', '/messages', messageTo([p], { deliverAt: '2026-07-03T09:00:00Z' }))).body.id as string;
    expect((await correct(id, { title: 'Order #1043 shipped' })).status).toBe(200);
    expect(await received(p)).toEqual([]);
    await setClock('2026-07-03T09:00:00Z');
    expect(await received(p)).toEqual([{ id, title: 'Order #1043 shipped', edited: true }]);

    const cancelled = (await api(server.url, 'POST', '/messages', messageTo([p], { deliverAtLocal: '2026-07-04T09:00' }))).body.id as string;
    await api(server.url, 'DELETE', `/messages/${cancelled}`);
    const refused = await correct(cancelled, { title: 'Too late' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('not-sent');
    expect((await api(server.url, 'GET', `/messages/${cancelled}`)).body.title).toBe('Order #1042 shipped');
  });

  it.skipIf(skip)('correcting an occurrence some zones got corrects it there and sends the new content to the zones still waiting', async () => {
    const p = `${name}-correct-occurrence`;
    const id = await dailyInShanghaiAndLosAngeles(p, '2026-09-10T00:00:00Z');
    await setClock('2026-09-10T01:00:00Z'); // 09:00 in Shanghai
    expect((await correct(`${id}.1`, { title: 'Order #1043 shipped' })).status).toBe(200);
    expect(await received(`${p}-shanghai`)).toEqual([
      { id: `${id}.1`, title: 'Order #1043 shipped', edited: true },
      { id: `${id}.1`, title: 'Order #1043 shipped', edited: true },
    ]);
    // Live too: the event an open app gets as its zone's time comes carries the correction.
    const laApp = await StreamClient.connect(server.wsUrl, await server.tokenFor(`${p}-la`));
    await setClock('2026-09-10T16:00:00Z'); // 09:00 in Los Angeles
    expect(await received(`${p}-la`)).toEqual([{ id: `${id}.1`, title: 'Order #1043 shipped', edited: true }]);
    await laApp.waitForEvents(1);
    expect(laApp.titles).toEqual(['Order #1043 shipped']);
    laApp.close();
    // The next occurrence is the template's, uncorrected.
    await setClock('2026-09-11T01:00:00Z');
    expect((await received(`${p}-shanghai`)).at(-1)).toEqual({ id: `${id}.2`, title: 'Order #1042 shipped', edited: false });
    // Correcting the template changes the occurrences to come; those sent keep theirs, with no event.
    expect((await correct(id, { title: 'Order #1044 shipped' })).status).toBe(200);
    expect(await received(`${p}-shanghai`)).toHaveLength(3);
    await setClock('2026-09-12T01:00:00Z');
    expect((await received(`${p}-shanghai`)).map((m) => m.title)).toEqual([
      'Order #1043 shipped', 'Order #1043 shipped', 'Order #1042 shipped', 'Order #1044 shipped',
    ]);
    await api(server.url, 'DELETE', `/messages/${id}`);
  });

  it.skipIf(skip)('retracting a recurrence\'s template is 409 recurring-message, saying to cancel it and retract occurrences by id; nothing changes', async () => {
    const p = `${name}-retract-template`;
    const local = await dailyInShanghaiAndLosAngeles(p, '2026-09-20T00:00:00Z');
    const plain = (await api(server.url, 'POST', '/messages', messageTo([`${p}-shanghai`], { repeat: { cron: '0 2 * * *' } }))).body.id as string;
    await setClock('2026-09-20T02:00:00Z'); // 09:00 in Shanghai; 02:00 UTC
    expect((await inbox(`${p}-shanghai`)).sort()).toEqual([`${local}.1`, `${plain}.1`].sort());
    const refusedTwice = async (id: string) => {
      const res = await api(server.url, 'POST', `/messages/${id}/retract`);
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('recurring-message');
      expect(res.body.error.message).toContain('DELETE');
      expect(res.body.error.message).toContain(`${id}.1`);
    };
    for (const id of [local, plain]) await refusedTwice(id);
    expect(await status(local)).toMatchObject({ status: 'scheduled', localTime: { sent: 1 } });
    expect((await server.store.readEvents(`${p}-shanghai`, 0, 100)).some((e) => e.kind === 'retracted')).toBe(false);
    // Cancelled, it still is no sent message: the same answer, and its occurrences stay retractable one by one.
    for (const id of [local, plain]) await api(server.url, 'DELETE', `/messages/${id}`);
    for (const id of [local, plain]) await refusedTwice(id);
    expect((await api(server.url, 'POST', `/messages/${plain}.1/retract`)).body).toEqual({ id: `${plain}.1`, status: 'retracted', recipients: 1 });
    await setClock('2026-09-20T16:00:00Z');
    expect(await inbox(`${p}-la`)).toEqual([]);
  });

  it.skipIf(skip)('evaluates repeat.tz "recipient" in each shopper\'s zone: the n-th occurrence is one message', async () => {
    const p = `${name}-repeat`;
    await livesIn(`${p}-shanghai`, 'Asia/Shanghai');
    await livesIn(`${p}-la`, 'America/Los_Angeles');
    await setClock('2026-08-01T00:00:00Z');
    const sent = await api(server.url, 'POST', '/messages', messageTo([`${p}-shanghai`, `${p}-la`], { repeat: { cron: '0 9 * * *', tz: 'recipient' } }));
    expect(sent.body.status).toBe('scheduled');
    const id = sent.body.id as string;
    await setClock('2026-08-01T01:00:00Z'); // 09:00 in Shanghai
    expect(await inbox(`${p}-shanghai`)).toEqual([`${id}.1`]);
    await setClock('2026-08-01T16:00:00Z'); // 09:00 in Los Angeles
    expect(await inbox(`${p}-la`)).toEqual([`${id}.1`]);
    await setClock('2026-08-02T01:00:00Z');
    expect(await inbox(`${p}-shanghai`)).toEqual([`${id}.1`, `${id}.2`]);
    expect(await inbox(`${p}-la`)).toEqual([`${id}.1`]);
    expect(await status(`${id}.1`)).toMatchObject({ status: 'sent', recipients: 2 });
    expect(await status(id)).toMatchObject({ status: 'scheduled', localTime: { sent: 3, cron: '0 9 * * *', deliverAtLocal: null, fallbackTz: 'UTC' } });
    await api(server.url, 'DELETE', `/messages/${id}`);
  });

  it.skipIf(skip)('retracting an occurrence some zones got keeps it from the zones still waiting; the next occurrence goes out', async () => {
    const p = `${name}-retract-occurrence`;
    const id = await dailyInShanghaiAndLosAngeles(p, '2026-09-01T00:00:00Z');
    await setClock('2026-09-01T01:00:00Z'); // 09:00 in Shanghai
    expect(await inbox(`${p}-shanghai`)).toEqual([`${id}.1`]);
    expect((await api(server.url, 'POST', `/messages/${id}.1/retract`)).body).toEqual({ id: `${id}.1`, status: 'retracted', recipients: 1 });
    await setClock('2026-09-01T16:00:00Z'); // 09:00 in Los Angeles
    expect(await inbox(`${p}-la`)).toEqual([]);
    await setClock('2026-09-02T16:00:00Z');
    expect(await inbox(`${p}-shanghai`)).toEqual([`${id}.1`, `${id}.2`]);
    expect(await inbox(`${p}-la`)).toEqual([`${id}.2`]);
    expect(await status(`${id}.1`)).toMatchObject({ status: 'retracted', recipients: 1 });
    await api(server.url, 'DELETE', `/messages/${id}`);
  });

  it.skipIf(skip)('refuses bad local-time requests with a 400 naming the field, storing nothing', async () => {
    await setClock('2026-08-01T00:00:00Z');
    const user = `${name}-bad`;
    const cases: [Record<string, unknown>, string][] = [
      [{ deliverAtLocal: '2026-08-01 09:00' }, 'deliverAtLocal'],
      [{ deliverAtLocal: '2026-08-01T09:00:00' }, 'deliverAtLocal'],
      [{ deliverAtLocal: '2026-08-01T09:00+02:00' }, 'deliverAtLocal'],
      [{ deliverAtLocal: '2026-02-30T09:00' }, 'deliverAtLocal'],
      [{ deliverAtLocal: '2026-08-01T09:00', fallbackTz: 'Mars/Olympus' }, 'fallbackTz'],
      [{ deliverAtLocal: '2026-08-01T09:00', deliverAt: '2026-08-01T09:00:00Z' }, 'deliverAtLocal'],
      [{ deliverAtLocal: '2026-08-01T09:00', repeat: { cron: '0 9 * * *' } }, 'deliverAtLocal'],
      [{ fallbackTz: 'Europe/Berlin' }, 'fallbackTz'],
      [{ repeat: { cron: '0 9 * *', tz: 'recipient' } }, 'repeat.cron'],
      [{ repeat: { cron: '* * * * * *', tz: 'recipient' } }, 'repeat.cron'],
      [{ repeat: { cron: '0 9 30 2 *', tz: 'recipient' } }, 'repeat.cron'],
    ];
    for (const [fields, path] of cases) {
      const res = await api(server.url, 'POST', '/messages', messageTo([user], fields));
      expect(res.status, JSON.stringify(fields)).toBe(400);
      expect(res.body.error.code).toBe('validation-failed');
      expect(JSON.stringify(res.body.error), JSON.stringify(fields)).toContain(path);
    }
    await setClock('2026-08-02T00:00:00Z');
    expect(await inbox(user)).toEqual([]);
    const listed = await api(server.url, 'GET', '/messages?limit=100');
    expect(listed.body.messages.filter((m: { title: string; to?: { userIds?: string[] } }) => m.to?.userIds?.includes(user))).toEqual([]);
  });
});
