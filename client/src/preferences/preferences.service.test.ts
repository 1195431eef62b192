import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '../db/db.js';
import { signIn } from '../db/meta.repository.js';
import { applySuggestion, type Suggestion } from '../../../shared/inbox/suggestions.js';
import { loadPreferences, saveAppearance, saveEditedPreferences, savePreferences, updatePreferences } from './preferences.service.js';

beforeEach(async () => {
  await Promise.all(db.tables.map((table) => table.clear()));
  await signIn('token-1', 'shopper-1');
  const storage = new Map<string, string>();
  vi.stubGlobal('localStorage', { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => storage.set(k, v) });
  vi.stubGlobal('document', { documentElement: { dataset: {}, lang: 'en' } });
  vi.stubGlobal('location', { origin: 'http://tidings.test' });
  vi.stubGlobal('fetch', async () => new Response('{}', { status: 200, headers: { 'Content-Type': 'application/json' } }));
});
afterEach(() => vi.unstubAllGlobals());

describe('language and theme chosen in Settings', () => {
  it('keeps both when a theme and then a language are chosen before the first is written', async () => {
    await Promise.all([saveAppearance({ theme: 'dark' }), saveAppearance({ locale: 'zh-CN' })]);
    expect(await loadPreferences()).toMatchObject({ theme: 'dark', locale: 'zh-CN' });
    expect(document.documentElement.dataset['theme']).toBe('dark');
  });
});

describe('the Settings form saved after the preferences changed under it', () => {
  const muteOffers: Suggestion = { target: { kind: 'category', category: 'promotion' }, key: 'ranking.suggestMuteCategory', values: {}, skipped: 19, of: 20 };

  it('keeps a mute suggestion accepted while the form was open, and the field the shopper changed in it', async () => {
    await savePreferences({ ...(await loadPreferences()), mutedCategories: ['review'] }, new Date('2026-03-01T00:00:00.000Z'));
    // Settings opens: the form holds a copy of what it loaded.
    const loaded = await loadPreferences();
    // The inbox's suggestion is accepted the way SmartInbox.accept does it.
    await updatePreferences((current) => applySuggestion(current, muteOffers), new Date('2026-03-01T00:01:00.000Z'));
    expect((await loadPreferences()).mutedCategories).toEqual(['review', 'promotion']);
    // The shopper then changes the notification floor in the form and saves.
    await saveEditedPreferences(loaded, { ...loaded, minPushPriority: 3 }, new Date('2026-03-01T00:02:00.000Z'));
    expect(await loadPreferences()).toMatchObject({ mutedCategories: ['review', 'promotion'], minPushPriority: 3 });
  });

  it('keeps both when the suggestion is accepted and the form saved at the same moment', async () => {
    const loaded = await loadPreferences();
    await Promise.all([
      updatePreferences((current) => applySuggestion(current, muteOffers)),
      saveEditedPreferences(loaded, { ...loaded, mutedCategories: ['chat'] }),
    ]);
    expect([...(await loadPreferences()).mutedCategories].sort()).toEqual(['chat', 'promotion']);
  });
});
