import type { Explanation } from '../../../shared/inbox/ranking.js';
import type { Strings } from '../i18n/strings.js';

/**
 * An explanation or a suggestion of the smart inbox (an i18n key under
 * `ranking.` with its values) as text in the shopper's language. Category
 * names arrive as the messages carry them ("promotion") and are shown as the
 * inbox names them ("Offer"); a key this version does not know falls back to
 * the plain "priority and time" reason rather than showing a raw key.
 */
export function rankingText(strings: Strings, reason: Explanation): string {
  const name = reason.key.startsWith('ranking.') ? (reason.key.slice('ranking.'.length) as keyof Strings['ranking']) : undefined;
  const format = name === undefined ? undefined : strings.ranking[name];
  const values = { ...reason.values };
  if (typeof values.category === 'string') values.category = strings.inbox.category[values.category] ?? values.category;
  return format ? format(values) : strings.ranking.priorityThenTime({});
}
