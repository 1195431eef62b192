import { shouldNotify } from '../../../shared/notification-policy.js';
import { DEFAULT_PREFERENCES, preferencesSchema } from '../../../shared/preferences.schema.js';
import { readPreferences } from '../db/preferences.repository.js';
import type { PreferenceFilter } from '../notifications/notification-policy.js';

/**
 * The shopper's preferences as the service worker enforces them: the same
 * shared rule the server applied before sending, checked again here because
 * a push can arrive anyway (sent before this device's change reached the
 * server, or while the server could not tell). Read at every push, since the
 * page may have changed them since the last one. Nothing stored, or
 * something this version cannot read, means the defaults: notify.
 * `quietHoursEnded`: for the summary the server sends when deferred quiet
 * hours end, which quiet hours (on a clock a little behind) never hold back.
 */
export async function preferenceFilter(options: { quietHoursEnded?: boolean } = {}): Promise<PreferenceFilter> {
  const stored = await readPreferences().catch(() => undefined);
  const parsed = preferencesSchema.safeParse(stored?.preferences);
  const preferences = parsed.success ? parsed.data : DEFAULT_PREFERENCES;
  return (message, now) => {
    const decision = shouldNotify(message, preferences, new Date(now));
    return decision.notify || (options.quietHoursEnded === true && decision.reason === 'quiet-hours');
  };
}
