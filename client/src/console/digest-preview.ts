import type { Strings } from '../i18n/strings.js';
import type { DigestDraft } from './send-form.js';

/** The windows the form offers: a few minutes for a burst of price drops, up to a daily round-up. */
export const DIGEST_WINDOWS: readonly number[] = [5 * 60, 15 * 60, 3600, 6 * 3600, 24 * 3600];

/** How many messages the preview's summary title counts: a sample, so `{count}` reads as a number. */
export const SAMPLE_COUNT = 5;

/** A window in words: whole hours as hours, whole minutes as minutes (the API takes any whole second). */
export function windowInWords(seconds: number, words: Strings['console']['duration']): string {
  if (seconds % 3600 === 0) return words.hours(seconds / 3600);
  if (seconds % 60 === 0) return words.minutes(seconds / 60);
  return words.seconds(seconds);
}

/**
 * The summary's title as a shopper would see it for `count` messages: the
 * merchant's title with `{count}` filled in, as the server does
 * (server/push/push-payload.ts), or the service worker's own wording.
 */
export function summaryTitleOf(title: string, count: number, defaultTitle: (count: number) => string): string {
  const own = title.trim();
  return own ? own.replaceAll('{count}', String(count)) : defaultTitle(count);
}

/** What the digest does, in one sentence; undefined until there is a key to name. */
export function digestPreviewOf(draft: DigestDraft, strings: Pick<Strings, 'console' | 'notifications'>): string | undefined {
  const key = draft.key.trim();
  if (!key) return undefined;
  const title = summaryTitleOf(draft.title, SAMPLE_COUNT, strings.notifications.digestTitle);
  return strings.console.form.digestPreview(key, windowInWords(draft.windowSeconds, strings.console.duration), title);
}

/** A sent message's digest in the history: its key and window, and how many pushes it folded. */
export function digestStatusOf(digest: { key: string; windowSeconds: number; digested: number }, strings: Strings['console']): string {
  return strings.sentList.digest(digest.key, windowInWords(digest.windowSeconds, strings.duration), digest.digested);
}
