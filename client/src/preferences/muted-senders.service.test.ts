import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_MUTED_SENDERS } from '../../../shared/preferences.schema.js';
import { db } from '../db/db.js';
import { signIn } from '../db/meta.repository.js';
import { pendingPreferences, readPreferences } from '../db/preferences.repository.js';
import { setSenderMuted } from './muted-senders.service.js';
import { loadPreferences } from './preferences.service.js';
import { senderName } from './sender-names.js';

const acme = { id: 'seller-acme', name: 'Acme Outfitters', role: 'seller' as const };
let puts: unknown[];
let online: boolean;

beforeEach(async () => {
  await Promise.all(db.tables.map((table) => table.clear()));
  await signIn('token-1', 'shopper-1');
  puts = [];
  online = true;
  const storage = new Map<string, string>();
  vi.stubGlobal('localStorage', { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => storage.set(k, v) });
  vi.stubGlobal('location', { origin: 'http://tidings.test' });
  vi.stubGlobal('fetch', async (_url: URL, init: RequestInit) => {
    if (!online) throw new TypeError('Failed to fetch');
    puts.push(JSON.parse(String(init.body)));
    return new Response('{}', { status: 200, headers: { 'Content-Type': 'application/json' } });
  });
});
afterEach(() => vi.unstubAllGlobals());

describe('muting a sender from a message', () => {
  it('adds the id to the synced preferences once, keeps the rest, and sends them to the server', async () => {
    await db.meta.put({
      key: 'preferences',
      // Saved by the previous version of the app: no mutedSenders yet.
      value: { preferences: { mutedCategories: ['promotion'], minPushPriority: 3, quietHours: null, timeZone: 'Asia/Shanghai' }, changedAt: '2025-01-01T00:00:00.000Z' },
    });
    expect((await loadPreferences()).mutedSenders).toEqual([]);

    expect(await setSenderMuted(acme, true, new Date('2025-01-02T00:00:00.000Z'))).toEqual({ kind: 'saved', synced: true });
    expect(await setSenderMuted(acme, true, new Date('2025-01-02T00:00:01.000Z'))).toEqual({ kind: 'saved', synced: true });
    // The row saved before language and theme were preferences gets their defaults.
    const expected = {
      mutedCategories: ['promotion'],
      minPushPriority: 3,
      quietHours: null,
      timeZone: 'Asia/Shanghai',
      mutedSenders: ['seller-acme'],
      locale: null,
      theme: 'system',
    };
    expect(await readPreferences()).toEqual({ preferences: expected, changedAt: '2025-01-02T00:00:01.000Z' });
    expect(puts.at(-1)).toEqual({ preferences: expected, changedAt: '2025-01-02T00:00:01.000Z' });
    expect(senderName('seller-acme')).toBe('Acme Outfitters');

    await setSenderMuted(acme, false, new Date('2025-01-03T00:00:00.000Z'));
    expect((await loadPreferences()).mutedSenders).toEqual([]);
  });

  it('offline, keeps the mute on this device and pending for the server', async () => {
    online = false;
    expect(await setSenderMuted(acme, true)).toEqual({ kind: 'saved', synced: false });
    expect((await pendingPreferences())?.preferences.mutedSenders).toEqual(['seller-acme']);
  });

  it('refuses a mute past the bound instead of saving preferences the server would reject', async () => {
    const full = Array.from({ length: MAX_MUTED_SENDERS }, (_, i) => `seller-${i}`);
    await db.meta.put({
      key: 'preferences',
      value: { preferences: { mutedCategories: [], minPushPriority: 1, quietHours: null, timeZone: 'UTC', mutedSenders: full }, changedAt: '2025-01-01T00:00:00.000Z' },
    });
    expect(await setSenderMuted(acme, true)).toEqual({ kind: 'full' });
    expect((await loadPreferences()).mutedSenders).toEqual(full);
    expect(puts).toEqual([]);
    // Unmuting still works when full, and so does re-muting one already in the list.
    expect(await setSenderMuted({ id: 'seller-0', name: 'Zero' }, true)).toMatchObject({ kind: 'saved' });
  });
});
