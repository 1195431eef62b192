import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { applySuggestion, type Suggestion } from '../../../shared/inbox/suggestions.js';
import { MAX_MUTED_SENDERS } from '../../../shared/preferences.schema.js';
import { db } from '../db/db.js';
import { signIn } from '../db/meta.repository.js';
import { pendingPreferences, readPreferences } from '../db/preferences.repository.js';
import { setSenderMuted } from './muted-senders.service.js';
import { loadPreferences, saveAppearance, saveEditedPreferences, updatePreferences } from './preferences.service.js';
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
  vi.stubGlobal('document', { documentElement: { dataset: {}, lang: 'en' } });
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

describe('muting a sender while the preferences change elsewhere', () => {
  const muteOffers: Suggestion = { target: { kind: 'category', category: 'promotion' }, key: 'ranking.suggestMuteCategory', values: {}, skipped: 19, of: 20 };

  it('keeps the mute and a theme picked in the same instant', async () => {
    await Promise.all([setSenderMuted(acme, true), saveAppearance({ theme: 'dark' })]);
    expect(await loadPreferences()).toMatchObject({ mutedSenders: ['seller-acme'], theme: 'dark' });
  });

  it('keeps the mute and a theme picked just before it', async () => {
    await Promise.all([saveAppearance({ theme: 'dark' }), setSenderMuted(acme, true)]);
    expect(await loadPreferences()).toMatchObject({ mutedSenders: ['seller-acme'], theme: 'dark' });
  });

  it('keeps the mute, an accepted suggestion and a Settings save made together', async () => {
    const loaded = await loadPreferences();
    await Promise.all([
      updatePreferences((current) => applySuggestion(current, muteOffers)),
      setSenderMuted(acme, true),
      saveEditedPreferences(loaded, { ...loaded, minPushPriority: 4 }),
    ]);
    expect(await loadPreferences()).toMatchObject({ mutedSenders: ['seller-acme'], mutedCategories: ['promotion'], minPushPriority: 4 });
  });

  it('keeps an unmute when a Settings form loaded before it saves another field', async () => {
    await setSenderMuted(acme, true);
    const loaded = await loadPreferences();
    await Promise.all([setSenderMuted(acme, false), saveEditedPreferences(loaded, { ...loaded, minPushPriority: 2 })]);
    expect(await loadPreferences()).toMatchObject({ mutedSenders: [], minPushPriority: 2 });
  });

  it('checks the bound against the list as it is when written: of two mutes for the last place, one is full', async () => {
    const almost = Array.from({ length: MAX_MUTED_SENDERS - 1 }, (_, i) => `seller-${i}`);
    await db.meta.put({
      key: 'preferences',
      value: { preferences: { mutedCategories: [], minPushPriority: 1, quietHours: null, timeZone: 'UTC', mutedSenders: almost }, changedAt: '2025-01-01T00:00:00.000Z' },
    });
    const outcomes = await Promise.all([setSenderMuted(acme, true), setSenderMuted({ id: 'seller-zed', name: 'Zed' }, true)]);
    expect(outcomes).toEqual([{ kind: 'saved', synced: true }, { kind: 'full' }]);
    expect((await loadPreferences()).mutedSenders).toEqual([...almost, 'seller-acme']);
    // The refused sender's name is not remembered: it shows nowhere.
    expect(senderName('seller-zed')).toBeUndefined();
  });
});
