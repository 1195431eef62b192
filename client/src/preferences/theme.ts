import type { Theme } from '../../../shared/preferences.schema.js';

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
