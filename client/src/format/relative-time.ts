import { t } from '../i18n/i18n.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface Formatters {
  relative: Intl.RelativeTimeFormat;
  absolute: Intl.DateTimeFormat;
  precise: Intl.DateTimeFormat;
}

/** Built once per locale: the shopper may switch language while the app runs. */
const byLocale = new Map<string, Formatters>();

function formatters(): Formatters {
  const locale = t.locale;
  let found = byLocale.get(locale);
  if (!found) {
    found = {
      relative: new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }),
      absolute: new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }),
      precise: new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short' }),
    };
    byLocale.set(locale, found);
  }
  return found;
}

/**
 * "just now", "5 minutes ago", "yesterday", then a date once a week has
 * passed: an inbox cares how fresh a message is, not its exact second.
 * Times slightly in the future (clock skew between server and device) read
 * as "just now" rather than "in 2 minutes".
 */
export function formatRelativeTime(instant: number, now: number): string {
  const age = now - instant;
  if (age < MINUTE) return t.time.justNow;
  const { relative, absolute } = formatters();
  if (age < HOUR) return relative.format(-Math.floor(age / MINUTE), 'minute');
  if (age < DAY) return relative.format(-Math.floor(age / HOUR), 'hour');
  if (age < 7 * DAY) return relative.format(-Math.floor(age / DAY), 'day');
  return absolute.format(instant);
}

/** The full date and time, for a tooltip or screen reader. */
export function formatInstant(instant: number): string {
  return formatters().precise.format(instant);
}
