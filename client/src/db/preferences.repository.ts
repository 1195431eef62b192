import { DEFAULT_PREFERENCES, type Preferences } from '../../../shared/preferences.schema.js';
import { db } from './db.js';

/**
 * The shopper's notification preferences as this device holds them, in meta
 * under `'preferences'` as `{preferences, changedAt}` — the service worker
 * reads them there before it shows a notification. Whole-object
 * last-writer-wins by `changedAt`: they are edited together on one screen.
 */
export interface StoredPreferences {
  preferences: Preferences;
  changedAt: string;
}

/** The browser's own zone: what a shopper who never opened the screen lives in. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export async function readPreferences(): Promise<StoredPreferences | undefined> {
  const row = await db.meta.get('preferences');
  return row?.value as StoredPreferences | undefined;
}

/** Preferences to show on the screen: the stored ones, else defaults in the browser's zone. */
export async function currentPreferences(): Promise<Preferences> {
  return (await readPreferences())?.preferences ?? { ...DEFAULT_PREFERENCES, timeZone: browserTimeZone() };
}

function isNewer(incoming: StoredPreferences, current: StoredPreferences | undefined): boolean {
  return current === undefined || Date.parse(incoming.changedAt) > Date.parse(current.changedAt);
}

/** From the event log or a GET: kept only if newer than what this device holds. */
export async function applyRemotePreferences(incoming: StoredPreferences): Promise<boolean> {
  if (!isNewer(incoming, await readPreferences())) return false;
  await db.meta.put({ key: 'preferences', value: incoming });
  return true;
}

/** Saved on this device: stored at once and marked for `PUT /me/preferences`. */
export function saveLocalPreferences(preferences: Preferences, changedAt: string): Promise<void> {
  return db.transaction('rw', db.meta, async () => {
    await db.meta.put({ key: 'preferences', value: { preferences, changedAt } satisfies StoredPreferences });
    await db.meta.put({ key: 'preferencesPending', value: changedAt });
  });
}

/** What still has to reach the server, if anything. */
export async function pendingPreferences(): Promise<StoredPreferences | undefined> {
  const pending = await db.meta.get('preferencesPending');
  if (!pending) return undefined;
  return readPreferences();
}

/** The server has `changedAt`; a newer local save since then stays pending. */
export function acknowledgePreferences(changedAt: string): Promise<void> {
  return db.transaction('rw', db.meta, async () => {
    const pending = await db.meta.get('preferencesPending');
    if (pending?.value === changedAt) await db.meta.delete('preferencesPending');
  });
}
