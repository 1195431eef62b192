import { DEFAULT_PREFERENCES, preferencesSchema, type Preferences } from '../../../shared/preferences.schema.js';
import { browserTimeZone, currentPreferences, pendingPreferences, saveLocalPreferences } from '../db/preferences.repository.js';
import { outboxSync } from '../sync/outbox-sync.js';
import { applyAppearance, type Appearance } from './appearance.js';
import { applyEdits } from './preferences-edits.js';

/**
 * The preferences this device holds, read through the shared schema: a row
 * saved by an older version of the app lacks newer fields (`mutedSenders`)
 * and gets their defaults, as the server and the service worker read it.
 */
export async function loadPreferences(): Promise<Preferences> {
  const parsed = preferencesSchema.safeParse(await currentPreferences());
  return parsed.success ? parsed.data : { ...DEFAULT_PREFERENCES, timeZone: browserTimeZone() };
}

/**
 * Saving preferences: stored on this device at once (the service worker
 * reads them there for the very next push) and sent to the server, which
 * keeps the newest by `changedAt` and tells the shopper's other devices.
 * Offline, the save stays pending and goes out with the next flush.
 * Resolves to whether the server has it already.
 */
export async function savePreferences(preferences: Preferences, now: Date = new Date()): Promise<boolean> {
  await saveLocalPreferences(preferences, now.toISOString());
  return syncPreferences();
}

/** Sends what this device saved to the server; resolves to whether the server has it already. */
async function syncPreferences(): Promise<boolean> {
  await outboxSync.request();
  return (await pendingPreferences()) === undefined;
}

/** The last read-modify-write of the preferences on this device: the next one reads after it. */
let lastUpdate: Promise<unknown> = Promise.resolve();

/**
 * A change to the preferences as they are when it is written: `update` gets
 * what this device holds then, and its result is saved (and synced). Changes
 * are written one after another, each reading what the one before wrote, so
 * two made quickly (a theme and then a language, a suggestion accepted while
 * Settings saves, a sender muted meanwhile) all stay. `update` returns null
 * to refuse the change (the muted senders are full): nothing is written or
 * sent. Resolves to whether the server has what this device holds.
 */
export async function updatePreferences(update: (current: Preferences) => Preferences | null, now: Date = new Date()): Promise<boolean> {
  const written = lastUpdate.then(async () => {
    const next = update(await loadPreferences());
    if (next === null) return false;
    await saveLocalPreferences(next, now.toISOString());
    return true;
  });
  lastUpdate = written.catch(() => undefined);
  return (await written) ? syncPreferences() : (await pendingPreferences()) === undefined;
}

/**
 * Language or theme chosen in Settings: applied at once, without waiting
 * for the rest of the form's Save, and saved (and synced) with the
 * preferences this device holds.
 */
export function saveAppearance(change: Partial<Appearance>, now: Date = new Date()): Promise<boolean> {
  return updatePreferences((current) => {
    const next = { ...current, ...change };
    applyAppearance(next);
    return next;
  }, now);
}

/**
 * The Settings form's Save: what the shopper changed since the form loaded
 * `loaded`, put onto the preferences as they are now (preferences-edits.ts),
 * so a change made meanwhile elsewhere is not undone by the form's old copy.
 */
export function saveEditedPreferences(loaded: Preferences, edited: Preferences, now: Date = new Date()): Promise<boolean> {
  return updatePreferences((current) => applyEdits(loaded, edited, current), now);
}

/** Every IANA zone the browser knows, for the time-zone picker. */
export function knownTimeZones(current: string): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return zones.includes(current) ? zones : [current, ...zones];
}
