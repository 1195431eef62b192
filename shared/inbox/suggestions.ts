import { z } from 'zod';
import type { Preferences } from '../preferences.schema.js';
import { isGuarded } from './guarded.js';
import type { Outcome, Message } from './ranking.js';

/**
 * Adaptive filtering as suggestions, never silently. The suggester keeps the
 * last outcomes of each category, sender and low priority the shopper was
 * shown, and when one of them is skipped (dismissed or ignored) nearly every
 * time it offers a change to the shopper's preferences: mute the category,
 * mute the sender, or raise the minimum priority that notifies. Only the
 * notification is at stake (see shared/notification-policy.ts): muted
 * messages still reach the inbox. Accepting writes the existing preferences;
 * the suggester itself changes nothing.
 *
 * A suggestion needs enough evidence: a full window of the last 20, at least
 * 80% of them skipped, and the Wilson lower bound of the skip rate (one-sided
 * 95%) at or above 0.75 — in practice 19 of 20. At most one suggestion every
 * 3 days; one the shopper declines is not offered again for 30 days, and only
 * on fresh evidence. Guarded messages (see guarded.ts) never count: the app
 * does not talk the shopper out of hearing about their orders.
 */

export const WINDOW = 20;
export const MIN_SKIP_SHARE = 0.8;
export const MIN_WILSON_LOWER = 0.75;
const WILSON_Z = 1.645;
const DAY_MS = 86_400_000;
export const SUGGESTION_INTERVAL_MS = 3 * DAY_MS;
export const DECLINED_SNOOZE_MS = 30 * DAY_MS;
/** Targets tracked at once; past it the one touched longest ago is forgotten. */
export const MAX_TARGETS = 64;
/** Only low priorities are ever suggested as a notification floor: default (3) and above keep notifying. */
const HIGHEST_FLOOR = 3;

export type SuggestionTarget =
  | { kind: 'category'; category: string }
  | { kind: 'sender'; senderId: string; senderName: string }
  | { kind: 'priority'; priority: number };

export interface Suggestion {
  target: SuggestionTarget;
  /** i18n key of the question to ask (ranking.suggest*), with its values. */
  key: string;
  values: Record<string, string | number>;
  skipped: number;
  of: number;
}

export interface Suggester {
  record(message: Message, outcome: Outcome, now: number): void;
  /** The one suggestion to show now, if any; showing it starts the rate limit. */
  next(preferences: Preferences, now: number): Suggestion | undefined;
  /** The shopper said no: not again for 30 days, and only on new evidence. */
  decline(suggestion: Suggestion, now: number): void;
  /** The off switch. */
  setEnabled(enabled: boolean): void;
  readonly enabled: boolean;
  save(): SavedSuggester;
}

/** The preferences with a suggestion accepted. */
export function applySuggestion(preferences: Preferences, suggestion: Suggestion): Preferences {
  const { target } = suggestion;
  switch (target.kind) {
    case 'category':
      return { ...preferences, mutedCategories: [...new Set([...preferences.mutedCategories, target.category])] };
    case 'sender':
      return { ...preferences, mutedSenders: [...new Set([...preferences.mutedSenders, target.senderId])] };
    case 'priority':
      return { ...preferences, minPushPriority: Math.max(preferences.minPushPriority, target.priority + 1) };
  }
}

/** Wilson score interval's lower bound for `successes` of `trials`. */
export function wilsonLower(successes: number, trials: number, zScore = WILSON_Z): number {
  if (trials === 0) return 0;
  const p = successes / trials;
  const z2 = zScore * zScore;
  const centre = p + z2 / (2 * trials);
  const spread = zScore * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return (centre - spread) / (1 + z2 / trials);
}

const windowSchema = z.strictObject({
  target: z.string().max(300),
  /** Last outcomes, oldest first: o opened, d dismissed, i ignored. */
  outcomes: z.string().regex(/^[odi]*$/).max(WINDOW),
  name: z.string().max(200),
  at: z.number().finite(),
});
const savedSchema = z.strictObject({
  format: z.literal('tidings-suggester/1'),
  enabled: z.boolean(),
  lastShownAt: z.number().finite().nullable(),
  windows: z.array(windowSchema).max(MAX_TARGETS),
  snoozed: z.array(z.tuple([z.string().max(300), z.number().finite()])).max(MAX_TARGETS),
});
export type SavedSuggester = z.infer<typeof savedSchema>;

type Window = z.infer<typeof windowSchema>;

const LETTER: Record<Outcome, string> = { opened: 'o', dismissed: 'd', ignored: 'i' };

function targetsOf(message: Message): { target: string; name: string }[] {
  const targets = [{ target: `category:${message.category}`, name: message.category }];
  if (message.sender) targets.push({ target: `sender:${message.sender.id}`, name: message.sender.name });
  if (message.priority < HIGHEST_FLOOR) targets.push({ target: `priority:${message.priority}`, name: String(message.priority) });
  return targets;
}

function suggestionOf(window: Window, preferences: Preferences): Suggestion | undefined {
  const of = window.outcomes.length;
  const skipped = of - window.outcomes.split('o').length + 1;
  if (of < WINDOW || skipped / of < MIN_SKIP_SHARE || wilsonLower(skipped, of) < MIN_WILSON_LOWER) return undefined;
  const [kind, ...rest] = window.target.split(':');
  const id = rest.join(':');
  if (kind === 'category') {
    if (preferences.mutedCategories.includes(id)) return undefined;
    return { target: { kind, category: id }, key: 'ranking.suggestMuteCategory', values: { category: id }, skipped, of };
  }
  if (kind === 'sender') {
    if (preferences.mutedSenders.includes(id)) return undefined;
    const target = { kind, senderId: id, senderName: window.name } as const;
    return { target, key: 'ranking.suggestMuteSender', values: { sender: window.name }, skipped, of };
  }
  const priority = Number(id);
  if (preferences.minPushPriority > priority) return undefined;
  return { target: { kind: 'priority', priority }, key: 'ranking.suggestMinPriority', values: { priority: priority + 1 }, skipped, of };
}

const targetKey = (target: SuggestionTarget): string =>
  target.kind === 'category' ? `category:${target.category}` : target.kind === 'sender' ? `sender:${target.senderId}` : `priority:${target.priority}`;

export function createSuggester(saved?: unknown): Suggester {
  const parsed = saved === undefined ? undefined : savedSchema.safeParse(saved);
  const state = parsed?.success ? parsed.data : undefined;
  let enabled = state?.enabled ?? true;
  let lastShownAt = state?.lastShownAt ?? null;
  const windows = new Map<string, Window>((state?.windows ?? []).map((w) => [w.target, { ...w }]));
  const snoozed = new Map<string, number>(state?.snoozed ?? []);

  const forgetOldest = () => {
    let oldest: Window | undefined;
    for (const w of windows.values()) if (!oldest || w.at < oldest.at || (w.at === oldest.at && w.target < oldest.target)) oldest = w;
    if (oldest) windows.delete(oldest.target);
  };

  return {
    get enabled() {
      return enabled;
    },
    setEnabled(value) {
      enabled = value;
    },

    record(message, outcome, now) {
      if (isGuarded(message)) return;
      for (const { target, name } of targetsOf(message)) {
        const window = windows.get(target) ?? { target, outcomes: '', name, at: now };
        window.outcomes = (window.outcomes + LETTER[outcome]).slice(-WINDOW);
        window.name = name;
        window.at = now;
        windows.set(target, window);
        if (windows.size > MAX_TARGETS) forgetOldest();
      }
    },

    next(preferences, now) {
      if (!enabled) return undefined;
      if (lastShownAt !== null && now - lastShownAt < SUGGESTION_INTERVAL_MS) return undefined;
      const candidates = [...windows.values()]
        .filter((w) => (snoozed.get(w.target) ?? -Infinity) <= now)
        .map((w) => suggestionOf(w, preferences))
        .filter((s): s is Suggestion => s !== undefined)
        // Strongest evidence first; the target name breaks ties, so the choice is deterministic.
        .sort((a, b) => b.skipped - a.skipped || (targetKey(a.target) < targetKey(b.target) ? -1 : 1));
      const chosen = candidates[0];
      if (chosen) lastShownAt = now;
      return chosen;
    },

    decline(suggestion, now) {
      const key = targetKey(suggestion.target);
      snoozed.set(key, now + DECLINED_SNOOZE_MS);
      windows.delete(key);
      if (snoozed.size > MAX_TARGETS) {
        const [earliest] = [...snoozed].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
        snoozed.delete(earliest![0]);
      }
    },

    save() {
      const byTarget = <T>(entries: T[], key: (t: T) => string) => entries.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
      return {
        format: 'tidings-suggester/1',
        enabled,
        lastShownAt,
        windows: byTarget([...windows.values()].map((w) => ({ ...w })), (w) => w.target),
        snoozed: byTarget([...snoozed], ([target]) => target),
      };
    },
  };
}
