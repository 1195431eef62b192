import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorBodySchema } from '../../../shared/errors.js';
import { syncResponseSchema, type SyncEvent } from '../../../shared/event.schema.js';
import { postStateResponseSchema } from '../../../shared/message-state.schema.js';
import { DEFAULT_PREFERENCES, preferencesResponseSchema } from '../../../shared/preferences.schema.js';
import { StreamClient } from '../../test-support/stream-client.js';
import { messageTo, startTestServer, TEST_MERCHANT_KEY, type TestServer } from '../../test-support/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, s)).toISOString();

function call(method: string, path: string, token: string, body?: unknown) {
  return fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
}

async function postState(token: string, body: unknown) {
  const res = await call('POST', '/me/state', token, body);
  expect(res.status).toBe(200);
  return postStateResponseSchema.parse(await res.json());
}

async function sendTo(userIds: string[], title = 'Order #1042 shipped'): Promise<string> {
  const res = await server.send(messageTo(userIds, { title }));
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

async function syncAll(token: string): Promise<SyncEvent[]> {
  const res = await call('GET', '/me/sync?limit=500', token);
  expect(res.status).toBe(200);
  return syncResponseSchema.parse(await res.json()).events;
}

const stateEvents = (events: SyncEvent[]) => events.flatMap((e) => (e.kind === 'state' ? [e] : []));

describe('POST /api/v1/me/state', () => {
  it('carries a change made on one device to the other device live, and to a new device through /me/sync', async () => {
    const id = await sendTo(['st-live']);
    const token = await server.tokenFor('st-live');
    const laptop = await StreamClient.connect(server.wsUrl, token);
    await laptop.waitForEvents(1);

    expect(await postState(token, { changes: [{ messageId: id, state: { read: { value: true, at: t(1) } } }] })).toEqual({
      applied: 1,
      ignored: 0,
    });
    await laptop.waitFor((c) => stateEvents(c.events).length === 1);
    expect(stateEvents(laptop.events)).toEqual([{ seq: 2, kind: 'state', messageId: id, state: { read: { value: true, at: t(1) } } }]);
    laptop.close();

    const fresh = await syncAll(token);
    expect(fresh.map((e) => e.kind)).toEqual(['message', 'state']);
    expect(fresh[1]).toEqual(stateEvents(laptop.events)[0]);
  });

  it('resolves each field on its own by time: an older change loses, a read here and an archive there both survive', async () => {
    const id = await sendTo(['st-lww']);
    const phone = await server.tokenFor('st-lww');
    const laptop = await server.tokenFor('st-lww');
    await postState(phone, { changes: [{ messageId: id, state: { read: { value: true, at: t(20) } } }] });
    await postState(laptop, { changes: [{ messageId: id, state: { archived: { value: true, at: t(10) } } }] });
    // The laptop's "unread" was made before the phone's read: it loses and produces no event.
    expect(await postState(laptop, { changes: [{ messageId: id, state: { read: { value: false, at: t(15) } } }] })).toEqual({
      applied: 0,
      ignored: 1,
    });
    // Resending the outbox changes nothing either.
    expect(await postState(phone, { changes: [{ messageId: id, state: { read: { value: true, at: t(20) } } }] })).toEqual({
      applied: 0,
      ignored: 1,
    });
    expect(await server.store.getMessageState('st-lww', id)).toEqual({
      read: { value: true, at: t(20) },
      archived: { value: true, at: t(10) },
    });
    expect(stateEvents(await syncAll(phone)).map((e) => e.state)).toEqual([
      { read: { value: true, at: t(20) } },
      { archived: { value: true, at: t(10) } },
    ]);
  });

  it('stores times as UTC instants and holds a device clock from the future to the server’s now', async () => {
    const id = await sendTo(['st-clock']);
    const token = await server.tokenFor('st-clock');
    const before = Date.now();
    await postState(token, {
      changes: [{ messageId: id, state: { read: { value: true, at: '2999-01-01T00:00:00Z' }, archived: { value: true, at: '2026-01-01T12:00:00Z' } } }],
    });
    const state = await server.store.getMessageState('st-clock', id);
    expect(Date.parse(state!.read!.at)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(state!.read!.at)).toBeLessThanOrEqual(Date.now());
    expect(state!.archived!.at).toBe('2026-01-01T12:00:00.000Z');
  });

  it('answers alike for someone else’s message and a made-up id, and changes nothing for anyone', async () => {
    const theirs = await sendTo(['st-victim'], 'Private');
    const own = await sendTo(['st-snoop']);
    const snoop = await server.tokenFor('st-snoop');
    const answer = await postState(snoop, {
      changes: [
        { messageId: theirs, state: { deleted: { value: true, at: t(1) } } },
        { messageId: 'no-such-message', state: { deleted: { value: true, at: t(1) } } },
        { messageId: own, state: { read: { value: true, at: t(1) } } },
      ],
    });
    expect(answer).toEqual({ applied: 1, ignored: 2 });
    expect(await server.store.getMessageState('st-snoop', theirs)).toBeUndefined();
    expect(await server.store.getMessageState('st-victim', theirs)).toBeUndefined();
    expect((await syncAll(await server.tokenFor('st-victim'))).map((e) => e.kind)).toEqual(['message']);
    expect(stateEvents(await syncAll(snoop)).map((e) => e.messageId)).toEqual([own]);
  });

  it.each([
    ['an unknown top-level field', { changes: [], extra: 1 }],
    ['no changes', { changes: [] }],
    ['an empty change', { changes: [{ messageId: 'x', state: {} }] }],
    ['an unknown state field', { changes: [{ messageId: 'x', state: { starred: { value: true, at: t(1) } } }] }],
    ['an unknown field in a flag', { changes: [{ messageId: 'x', state: { read: { value: true, at: t(1), by: 'me' } } }] }],
    ['a time that is not ISO 8601', { changes: [{ messageId: 'x', state: { read: { value: true, at: 'yesterday' } } }] }],
    ['an impossible date', { changes: [{ messageId: 'x', state: { read: { value: true, at: '2026-02-30T10:00:00Z' } } }] }],
    ['a non-boolean value', { changes: [{ messageId: 'x', state: { read: { value: 'yes', at: t(1) } } }] }],
    ['an empty message id', { changes: [{ messageId: '', state: { read: { value: true, at: t(1) } } }] }],
    [
      'more than 500 changes',
      { changes: Array.from({ length: 501 }, () => ({ messageId: 'x', state: { read: { value: true, at: t(1) } } })) },
    ],
  ])('refuses %s with 400 validation-failed and stores nothing', async (_name, body) => {
    const id = await sendTo(['st-bad']);
    const withReal = JSON.parse(JSON.stringify(body).replaceAll('"messageId":"x"', `"messageId":"${id}"`)) as unknown;
    const token = await server.tokenFor('st-bad');
    const res = await call('POST', '/me/state', token, withReal);
    expect(res.status).toBe(400);
    expect(errorBodySchema.parse(await res.json()).error.code).toBe('validation-failed');
    expect(await server.store.getMessageState('st-bad', id)).toBeUndefined();
    expect(stateEvents(await syncAll(token))).toEqual([]);
  });

  it('refuses broken JSON, a merchant key, and no credentials', async () => {
    const token = await server.tokenFor('st-auth');
    const broken = await call('POST', '/me/state', token, '{"changes": [');
    expect(broken.status).toBe(400);
    expect(errorBodySchema.parse(await broken.json()).error.code).toBe('invalid-json');
    const merchant = await call('POST', '/me/state', TEST_MERCHANT_KEY, { changes: [] });
    expect(merchant.status).toBe(403);
    expect(errorBodySchema.parse(await merchant.json()).error.code).toBe('wrong-credential-kind');
    const anonymous = await fetch(`${server.url}/api/v1/me/state`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(anonymous.status).toBe(401);
  });
});

describe('GET and PUT /api/v1/me/preferences', () => {
  const mine = {
    mutedCategories: ['promotion'],
    minPushPriority: 3,
    quietHours: { start: '22:00', end: '07:00', allowUrgent: true, deferred: true },
    timeZone: 'Asia/Shanghai',
    mutedSenders: ['seller-acme'],
    locale: null,
    theme: 'system',
  };

  async function getPrefs(token: string) {
    const res = await call('GET', '/me/preferences', token);
    expect(res.status).toBe(200);
    return preferencesResponseSchema.parse(await res.json());
  }

  async function putPrefs(token: string, body: unknown) {
    const res = await call('PUT', '/me/preferences', token, body);
    expect(res.status).toBe(200);
    return preferencesResponseSchema.parse(await res.json());
  }

  it('answers the defaults before anything was saved', async () => {
    expect(await getPrefs(await server.tokenFor('pf-new'))).toEqual({ preferences: DEFAULT_PREFERENCES, changedAt: '1970-01-01T00:00:00.000Z' });
  });

  it('saves, serves, and tells the shopper’s other device live; an older save loses and says so', async () => {
    const token = await server.tokenFor('pf-sync');
    const other = await StreamClient.connect(server.wsUrl, token);
    expect(await putPrefs(token, { preferences: mine, changedAt: t(30) })).toEqual({ preferences: mine, changedAt: t(30), applied: true });
    await other.waitForEvents(1);
    expect(other.events).toEqual([{ seq: 1, kind: 'preferences', preferences: mine, changedAt: t(30) }]);

    const stale = await putPrefs(token, { preferences: { ...mine, mutedCategories: [] }, changedAt: t(29) });
    expect(stale).toEqual({ preferences: mine, changedAt: t(30), applied: false });
    expect(await getPrefs(token)).toEqual({ preferences: mine, changedAt: t(30) });

    // Fields left out take their defaults: the body is the whole preferences, not a patch.
    const later = await putPrefs(token, { preferences: { mutedCategories: ['chat'] }, changedAt: t(31) });
    expect(later.preferences).toEqual({ ...DEFAULT_PREFERENCES, mutedCategories: ['chat'] });
    await other.waitForEvents(2);
    expect(other.events.map((e) => e.seq)).toEqual([1, 2]);
    other.close();
    expect((await syncAll(token)).map((e) => e.kind)).toEqual(['preferences', 'preferences']);
  });

  it.each([
    ['an unknown top-level field', { preferences: {}, changedAt: t(1), device: 'phone' }],
    ['an unknown preference', { preferences: { sound: true }, changedAt: t(1) }],
    ['no changedAt', { preferences: {} }],
    ['a changedAt that is not a time', { preferences: {}, changedAt: 'now' }],
    ['an unknown time zone', { preferences: { timeZone: 'Mars/Olympus_Mons' }, changedAt: t(1) }],
    ['a quiet-hours time out of range', { preferences: { quietHours: { start: '24:00', end: '07:00' } }, changedAt: t(1) }],
    ['a quiet-hours time without minutes', { preferences: { quietHours: { start: '22', end: '07:00' } }, changedAt: t(1) }],
    ['a quiet-hours deferral that is not a boolean', { preferences: { quietHours: { start: '22:00', end: '07:00', deferred: 'yes' } }, changedAt: t(1) }],
    ['a priority out of range', { preferences: { minPushPriority: 6 }, changedAt: t(1) }],
    ['a malformed category', { preferences: { mutedCategories: ['Promo Tions'] }, changedAt: t(1) }],
    ['a language the app does not ship', { preferences: { locale: 'fr' }, changedAt: t(1) }],
    ['a language tag in the wrong case', { preferences: { locale: 'zh-cn' }, changedAt: t(1) }],
    ['an unknown theme', { preferences: { theme: 'sepia' }, changedAt: t(1) }],
    ['a theme that is not a string', { preferences: { theme: true }, changedAt: t(1) }],
  ])('refuses %s with 400 validation-failed and stores nothing', async (_name, body) => {
    const token = await server.tokenFor('pf-bad');
    const res = await call('PUT', '/me/preferences', token, body);
    expect(res.status).toBe(400);
    expect(errorBodySchema.parse(await res.json()).error.code).toBe('validation-failed');
    expect(await server.store.getPreferences('pf-bad')).toBeUndefined();
    expect(await syncAll(token)).toEqual([]);
  });

  it('keeps language and theme, syncs them, and leaves them unchanged after an unknown language or theme', async () => {
    const token = await server.tokenFor('pf-appearance');
    const other = await StreamClient.connect(server.wsUrl, token);
    const chosen = { ...mine, locale: 'zh-CN', theme: 'dark' };
    expect((await putPrefs(token, { preferences: chosen, changedAt: t(40) })).preferences).toEqual(chosen);
    await other.waitForEvents(1);
    expect(other.events[0]).toMatchObject({ kind: 'preferences', preferences: { locale: 'zh-CN', theme: 'dark' } });
    other.close();

    for (const bad of [{ locale: 'de' }, { theme: 'high-contrast' }, { locale: null, theme: 'Dark' }]) {
      const res = await call('PUT', '/me/preferences', token, { preferences: { ...chosen, ...bad }, changedAt: t(41) });
      expect(res.status).toBe(400);
      expect(errorBodySchema.parse(await res.json()).error.code).toBe('validation-failed');
    }
    expect(await getPrefs(token)).toEqual({ preferences: chosen, changedAt: t(40) });
    expect((await syncAll(token)).length).toBe(1);

    // Back to following the browser and the device.
    const following = { ...chosen, locale: null, theme: 'system' };
    expect((await putPrefs(token, { preferences: following, changedAt: t(42) })).preferences).toEqual(following);
  });

  it('refuses a merchant key on both routes', async () => {
    for (const [method, body] of [['GET', undefined], ['PUT', { preferences: mine, changedAt: t(1) }]] as const) {
      const res = await call(method, '/me/preferences', TEST_MERCHANT_KEY, body);
      expect(res.status).toBe(403);
      expect(errorBodySchema.parse(await res.json()).error.code).toBe('wrong-credential-kind');
    }
  });
});
