import { DEFAULT_PREFERENCES, preferencesSchema, type Preferences } from '../../../shared/preferences.schema.js';
import { browserTimeZone, currentPreferences, pendingPreferences, saveLocalPreferences } from '../db/preferences.repository.js';
import { outboxSync } from '../sync/outbox-sync.js';
import { applyAppearance, type Appearance } from './appearance.js';

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

/** The last language or theme change's local write: the next one reads after it. */
let appearanceWritten: Promise<unknown> = Promise.resolve();

/**
 * Language or theme chosen in Settings: applied at once, without waiting
 * for the rest of the form's Save, and saved (and synced) with the
 * preferences this device holds. Changes are written one after another, so
 * a theme and then a language chosen quickly both stay (each reads what the
 * one before wrote). Resolves to whether the server has it already.
 */
export async function saveAppearance(change: Partial<Appearance>, now: Date = new Date()): Promise<boolean> {
  const written = appearanceWritten.then(async () => {
    const next = { ...(await loadPreferences()), ...change };
    applyAppearance(next);
    await saveLocalPreferences(next, now.toISOString());
  });
  appearanceWritten = written.catch(() => undefined);
  await written;
  return syncPreferences();
}

/** Every IANA zone the browser knows, for the time-zone picker. */
export function knownTimeZones(current: string): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return zones.includes(current) ? zones : [current, ...zones];
}
