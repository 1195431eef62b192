import { liveQuery } from 'dexie';
import { preferencesSchema, type Preferences } from '../../../shared/preferences.schema.js';
import { readPreferences } from '../db/preferences.repository.js';
import { applyLocale } from '../i18n/i18n.js';
import { applyTheme } from './theme.js';

/** Language and theme: the preferences every open app applies to itself. */
export type Appearance = Pick<Preferences, 'locale' | 'theme'>;

export function applyAppearance(appearance: Appearance): void {
  applyLocale(appearance.locale);
  applyTheme(appearance.theme);
}

/**
 * Applies the stored preferences' language and theme now and whenever they
 * change — saved on this device or arriving from another one through the
 * event log — so every open app switches live. Returns the cleanup.
 */
export function followAppearance(): () => void {
  const subscription = liveQuery(readPreferences).subscribe({
    next: (stored) => {
      // Nothing saved yet: the device's last choice (applied before the first paint) stays.
      if (stored === undefined) return;
      const parsed = preferencesSchema.safeParse(stored.preferences);
      if (parsed.success) applyAppearance(parsed.data);
    },
    error: (error: unknown) => console.error('tidings: reading the appearance preferences failed', error),
  });
  return () => subscription.unsubscribe();
}
