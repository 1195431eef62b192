/*
 * Runs before the first paint (a blocking script in <head>): the theme and
 * language this device used last, so a dark choice never flashes light.
 * A file rather than inline because the CSP allows only the site's own
 * scripts. The keys and values are those of client/src/preferences/theme.ts
 * and client/src/i18n/i18n.ts; the app re-applies the synced preference.
 */
try {
  var theme = localStorage.getItem('tidings:theme');
  if (theme === 'light' || theme === 'dark' || theme === 'system') document.documentElement.dataset.theme = theme;
  var locale = localStorage.getItem('tidings:locale');
  if (locale === 'en' || locale === 'zh-CN') document.documentElement.lang = locale;
} catch (e) {
  // No storage (a locked-down private mode): the device's colour scheme and the page's language stand.
}
