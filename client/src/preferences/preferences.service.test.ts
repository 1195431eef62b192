import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '../db/db.js';
import { signIn } from '../db/meta.repository.js';
import { loadPreferences, saveAppearance } from './preferences.service.js';

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
