import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_PREFERENCES } from '../../../shared/preferences.schema.js';
import { db } from '../db/db.js';
import { changeLocally } from '../db/message-state.repository.js';
import { signIn } from '../db/meta.repository.js';
import { pendingPreferences, saveLocalPreferences } from '../db/preferences.repository.js';
import { message, messageEvent } from '../test-support/messages.js';
import { applyEvents } from './apply-events.js';
import { flushOnce, STATE_BATCH } from './outbox-sync.js';

const at = (minute: number) => new Date(Date.UTC(2025, 0, 1, 12, minute)).toISOString();
let requests: { method: string; path: string; body: unknown }[];
let online: boolean;

beforeEach(async () => {
  await Promise.all(db.tables.map((table) => table.clear()));
  await signIn('token-1', 'shopper-1');
  requests = [];
  online = true;
  vi.stubGlobal('location', { origin: 'http://tidings.test' });
  vi.stubGlobal('fetch', async (url: URL, init: RequestInit) => {
    if (!online) throw new TypeError('Failed to fetch');
    const body = JSON.parse(String(init.body));
    requests.push({ method: init.method ?? 'GET', path: url.pathname, body });
    const answer = url.pathname.endsWith('/me/state') ? { applied: body.changes.length, ignored: 0 } : { ok: true };
    return new Response(JSON.stringify(answer), { status: 200, headers: { 'Content-Type': 'application/json' } });
  });
});
afterEach(() => vi.unstubAllGlobals());

describe('the outbox', () => {
  it('queues a local change with its stamp, merges later changes of the same message, and empties on success', async () => {
    await applyEvents([messageEvent(1, message('a', 1)), messageEvent(2, message('b', 2))]);
    await changeLocally(['a'], 'read', true, at(1));
    await changeLocally(['a'], 'archived', true, at(2));
    await changeLocally(['b'], 'read', true, at(3));
    expect(await db.outbox.count()).toBe(2);
    await flushOnce();
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: 'POST', path: '/api/v1/me/state' });
    expect(requests[0]!.body).toEqual({
      changes: [
        { messageId: 'a', state: { read: { value: true, at: at(1) }, archived: { value: true, at: at(2) } } },
        { messageId: 'b', state: { read: { value: true, at: at(3) } } },
      ],
    });
    expect(await db.outbox.count()).toBe(0);
  });

  it('sets aside a batch the server refuses for good, so later changes are not stuck behind it', async () => {
    await applyEvents([messageEvent(1, message('a', 1)), messageEvent(2, message('b', 2))]);
    await changeLocally(['a'], 'read', true, at(1));
    let refuse = true;
    const accept = globalThis.fetch;
    vi.stubGlobal('fetch', async (url: URL, init: RequestInit) => {
      if (!refuse) return accept(url, init);
      const error = { error: { code: 'validation-failed', message: 'Invalid state' } };
      return new Response(JSON.stringify(error), { status: 400, headers: { 'Content-Type': 'application/json' } });
    });
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await flushOnce();
    expect(await db.outbox.count()).toBe(0);
    expect((await db.messages.get('a'))?.read).toBe(1);
    refuse = false;
    await changeLocally(['b'], 'read', true, at(2));
    await flushOnce();
    expect(requests.map((r) => r.body)).toEqual([{ changes: [{ messageId: 'b', state: { read: { value: true, at: at(2) } } }] }]);
  });

  it('keeps a batch queued on a server error, to try again', async () => {
    await applyEvents([messageEvent(1, message('a', 1))]);
    await changeLocally(['a'], 'read', true, at(1));
    vi.stubGlobal('fetch', async () => new Response('{}', { status: 503, headers: { 'Content-Type': 'application/json' } }));
    await expect(flushOnce()).rejects.toThrow();
    expect(await db.outbox.count()).toBe(1);
  });

  it('keeps everything queued while offline, and sends it once back online', async () => {
    await applyEvents([messageEvent(1, message('a', 1))]);
    await changeLocally(['a'], 'read', true, at(1));
    online = false;
    await expect(flushOnce()).rejects.toThrow();
    expect(await db.outbox.count()).toBe(1);
    expect((await db.messages.get('a'))?.read).toBe(1);
    online = true;
    await flushOnce();
    expect(requests).toHaveLength(1);
    expect(await db.outbox.count()).toBe(0);
  });

  it(`sends at most ${STATE_BATCH} changes per request`, async () => {
    const events = Array.from({ length: STATE_BATCH + 3 }, (_, i) => messageEvent(i + 1, message(`m${i}`, i % 60)));
    await applyEvents(events);
    await changeLocally(events.map((event) => (event.kind === 'message' ? event.message.id : '')), 'read', true, at(1));
    await flushOnce();
    expect(requests.map((request) => (request.body as { changes: unknown[] }).changes.length)).toEqual([STATE_BATCH, 3]);
  });

  it('sends pending preferences with PUT and forgets them once acknowledged', async () => {
    const preferences = { ...DEFAULT_PREFERENCES, mutedCategories: ['promotion'] };
    await saveLocalPreferences(preferences, at(5));
    await flushOnce();
    expect(requests).toEqual([{ method: 'PUT', path: '/api/v1/me/preferences', body: { preferences, changedAt: at(5) } }]);
    expect(await pendingPreferences()).toBeUndefined();
  });
});
