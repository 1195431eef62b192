import { WELL_FORMED_TEXT_MESSAGE } from '../../../shared/text.js';
import type { ErrorIssue } from '../api/api-error.js';
import type { Strings } from '../i18n/strings.js';

type ConsoleStrings = Strings['console'];

/** The fields of the send form an issue can be shown beside; `form` for what belongs to none. */
export type FormField =
  | 'recipients'
  | 'topic'
  | 'category'
  | 'priority'
  | 'title'
  | 'body'
  | 'url'
  | 'icon'
  | 'image'
  | 'collapseKey'
  | 'actions'
  | `actions.${number}.title`
  | `actions.${number}.url`
  | 'expiresAt'
  | 'deliverAt'
  | 'deliverAtLocal'
  | 'fallbackTz'
  | 'repeat.cron'
  | 'repeat.tz'
  | 'digest.key'
  | 'digest.windowSeconds'
  | 'digest.title'
  | 'form';

export type FieldErrors = Partial<Record<FormField, string>>;

const TOP_LEVEL_FIELDS = ['category', 'priority', 'title', 'body', 'url', 'icon', 'image', 'collapseKey', 'expiresAt', 'deliverAt', 'deliverAtLocal', 'fallbackTz'] as const;

/** The form field for an issue path of the send request ("to.userIds.3", "actions.1.url", "repeat.cron"). */
export function fieldOf(path: string): FormField {
  const [head, second, third] = path.split('.');
  if (head === 'to') return second === 'topic' ? 'topic' : 'recipients';
  if (head === 'actions') {
    return second !== undefined && /^\d+$/.test(second) && (third === 'title' || third === 'url') ? `actions.${Number(second)}.${third}` : 'actions';
  }
  if (head === 'repeat') return second === 'tz' ? 'repeat.tz' : 'repeat.cron';
  // "digest" itself is the clash with a repeat: shown on the key, the field the merchant filled in.
  if (head === 'digest') return second === 'windowSeconds' || second === 'title' ? `digest.${second}` : 'digest.key';
  return (TOP_LEVEL_FIELDS as readonly string[]).includes(head ?? '') ? (head as FormField) : 'form';
}

/**
 * One message in plain words per field, from issues as `describeIssues`
 * writes them: the form's own check with the shared schema and the server's
 * `validation-failed` answer have the same shape, so both go through here.
 * The first issue of a field wins (a field shows one thing to fix at a time).
 */
export function fieldErrors(issues: readonly ErrorIssue[], strings: ConsoleStrings): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = fieldOf(issue.path);
    errors[field] ??= plainWords(field, issue.message, strings);
  }
  return errors;
}

/** The field's name as the errors say it ("Button 2 link"). */
export function fieldName(field: FormField, names: ConsoleStrings['fieldNames']): string {
  const action = /^actions\.(\d+)\.(title|url)$/.exec(field);
  if (action) return action[2] === 'title' ? names.actionTitle(Number(action[1]) + 1) : names.actionUrl(Number(action[1]) + 1);
  if (field === 'repeat.cron') return names.repeatCron;
  if (field === 'repeat.tz') return names.repeatTz;
  if (field.startsWith('digest.')) return names.digest[field.slice('digest.'.length) as keyof ConsoleStrings['fieldNames']['digest']];
  return names[field as Exclude<FormField, `actions.${number}.${string}` | `${'repeat' | 'digest'}.${string}`>];
}

/**
 * The messages read here are the shared schema's and `repeatProblems`' own
 * (and zod's "Too small"/"Too big" prefixes); the tests feed them real issues,
 * so a reworded message shows up as a failing test, not as a vaguer hint.
 */
function plainWords(field: FormField, message: string, strings: ConsoleStrings): string {
  const name = fieldName(field, strings.fieldNames);
  const say = strings.fieldErrors;
  if (field === 'repeat.cron') {
    if (message.startsWith('must have 5 fields')) return say.cronFieldCount;
    if (message.startsWith('must not use "H"')) return say.cronRandom;
    if (message.startsWith('never occurs')) return say.cronNever;
    if (message.startsWith('must not repeat more often')) return say.cronTooOften;
  }
  if ((field === 'repeat.tz' || field === 'fallbackTz') && !message.startsWith('Too')) return say.unknownTimeZone;
  if (field === 'expiresAt') {
    if (message === 'must be in the future') return say.expiryPast;
    if (message === 'must be after deliverAt') return say.expiryBeforeDelivery;
    if (message === 'is not allowed with repeat') return say.expiryWithRepeat;
  }
  if (field === 'digest.key' && message === 'is not allowed with repeat') return say.digestWithRepeat;
  if (field === 'digest.windowSeconds') return say.digestWindow;
  if (message.startsWith('Too small') || message.startsWith('Invalid input')) {
    return field === 'recipients' ? say.chooseRecipient : say.required(name);
  }
  if (message.startsWith('Too big')) {
    const max = Number(/<=\s*(\d+)/.exec(message)?.[1] ?? Number.NaN);
    if (Number.isNaN(max)) return say.invalid(name);
    return message.includes('items') ? say.tooMany(name, max) : say.tooLong(name, max);
  }
  if (message.includes('http(s) URL')) return say.link(name);
  if (message.includes('https URL')) return say.picture(name);
  // The server also refuses NUL anywhere, a check the schema leaves to it (server/http/validate.ts).
  if (message === WELL_FORMED_TEXT_MESSAGE || message.includes('NUL character')) return say.unreadable(name);
  if (message.startsWith('may contain only')) return say.idCharacters(name);
  if (field === 'topic') return say.topicCharacters;
  if (field === 'deliverAt' || field === 'expiresAt' || field === 'deliverAtLocal') return say.badTime(name);
  if (field === 'repeat.cron') return say.cronInvalid;
  return say.invalid(name);
}

/** The id of the element holding a field's error, for its aria-describedby. */
export function errorIdOf(field: FormField): string {
  return `send-error-${field.replaceAll('.', '-')}`;
}

/** aria-describedby for a field: its hint, and its error while it has one. */
export function describedBy(errors: FieldErrors, field: FormField, hintId?: string): string | undefined {
  const ids = [hintId, errors[field] ? errorIdOf(field) : undefined].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}
