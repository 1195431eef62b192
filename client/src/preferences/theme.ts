import { themeSchema, type Theme } from '../../../shared/preferences.schema.js';

/**
 * This device's copy of the theme choice: public/appearance-boot.js reads it
 * before the first paint, so a dark choice never flashes light while the app
 * loads. The synced preference stays the source; this only mirrors it.
 */
export const THEME_STORAGE_KEY = 'tidings:theme';

/** `data-theme` on `<html>`: base.css picks the colours from it (system: prefers-color-scheme). */
export function applyTheme(theme: Theme): void {
  document.documentElement.dataset['theme'] = theme;
  try {
    localStorage.setItem(THEME_STORAGE_KEY, theme);
  } catch {
    // Private mode without storage: applied for this load; the next one follows the synced preference.
  }
}

/**
 * The theme this device shows now: what public/appearance-boot.js or
 * applyTheme set, "system" when nothing has been chosen here.
 */
export function deviceTheme(): Theme {
  const parsed = themeSchema.safeParse(document.documentElement.dataset['theme']);
  return parsed.success ? parsed.data : 'system';
}

/**
 * Calls `onChange` when another page of this site on this device (the
 * shopper's app, another console tab) applies a theme; returns the cleanup.
 */
export function followDeviceTheme(onChange: (theme: Theme) => void): () => void {
  const follow = (event: StorageEvent) => {
    if (event.key !== THEME_STORAGE_KEY) return;
    const parsed = themeSchema.safeParse(event.newValue);
    onChange(parsed.success ? parsed.data : 'system');
  };
  addEventListener('storage', follow);
  return () => removeEventListener('storage', follow);
}
