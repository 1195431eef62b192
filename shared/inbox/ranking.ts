import { DEFAULT_FTRL, FtrlModel, type FtrlSettings } from './ftrl.js';
import { guardedMargin, isGuarded, keepFirstScreen } from './guarded.js';
import { compareForDisplay, rankOf } from './ordering.js';
import {
  categoryKey,
  localClock,
  messageFeatures,
  scoringContext,
  senderKey,
  TABLE_BITS,
  TABLE_SIZE,
  visitFeatures,
  type Feature,
  type FeatureKind,
  type RankingMessage,
  type ScoringContext,
} from './ranking-features.js';
import { DEFAULT_OPEN_RATES, OpenRates, type OpenRateSettings, type OpenRateTerm } from './ranking-open-rates.js';
import { decodeTable, encodeTable, RANKER_STATE_FORMAT, readSaved, type SavedRanker } from './ranking-state.js';
import { RecentOpens } from './recent-opens.js';

export { RANKER_STATE_FORMAT, SAVED_TABLE_BYTES, type SavedRanker } from './ranking-state.js';

/**
 * The smart inbox's ranker: online logistic regression of "will the shopper
 * open this?", learned on the device from this shopper's own interactions.
 *
 *   logit = prior + overall + rates + bias + learned
 *   prior   = (static rank − now) × PRIOR_LOGITS_PER_HOUR / 1 h       (fixed)
 *   overall = the shopper's overall open rate, in logits              (counted, ranking-open-rates.ts)
 *   rates   = open rate of the category and of the sender, against
 *             the overall and the category's, in logits              (counted)
 *   bias + learned = Σ weights of the message's hashed features      (FTRL-Proximal)
 *
 * The static rank is the "priority then time" key of shared/inbox/ordering.ts,
 * itself a time. The bias (the shopper's overall open rate) is the same for
 * every message, so ordering by the logit at one `now` is ordering by
 * `rank + (rates + learned) × (1 h / PRIOR_LOGITS_PER_HOUR)`, which is what `score` returns:
 * before any learning both are exactly 0 and the score is exactly the static
 * rank. See docs/smart-inbox.md.
 */

export type Outcome = 'opened' | 'dismissed' | 'ignored';
/** The message of shared/message.schema.ts, with the inbox's read flag when it has one (a StoredMessage is one). */
export type Message = RankingMessage;

export interface Explanation {
  key: string;
  values?: Record<string, string | number>;
}

export interface Ranker {
  /** Higher comes first. Before any learning it orders exactly like the static "priority then time" order. */
  score(message: Message, now: number): number;
  /** One interaction of this shopper with a message shown to them. */
  learn(message: Message, outcome: Outcome, now: number): void;
  /** JSON-serialisable state; createRanker(saved) restores it. */
  save(): unknown;
  /** Short reasons for this message's place, as i18n keys with values, e.g. { key: 'ranking.opensCategory', values: { category: 'shipping' } }. */
  explain(message: Message, now: number): Explanation[];
}

export interface RankerOptions {
  /** The shopper's IANA time zone (their preferences' `timeZone`); hour and weekday are read there. Default UTC. */
  timeZone?: string;
  /** The hashed weights' learning (default RANKER_FTRL). */
  ftrl?: FtrlSettings;
  /** The counted open rates' pseudo-counts and half-life (default DEFAULT_OPEN_RATES). */
  openRates?: OpenRateSettings;
  /** Logits of the prior per hour of static rank: the exchange rate between learned taste and time. */
  priorLogitsPerHour?: number;
}

const HOUR_MS = 3_600_000;
export const PRIOR_LOGITS_PER_HOUR = 0.03;
/** The hashed weights learn the rest, after the open rates: slowly, so one outcome moves little. */
export const RANKER_FTRL: FtrlSettings = { ...DEFAULT_FTRL, alpha: 0.05 };

/** How much each outcome counts: leaving a message alone says less than dismissing it. */
const IMPORTANCE: Record<Outcome, number> = { opened: 1, dismissed: 1, ignored: 0.5 };

/** A learned contribution below this (in logits) is not worth a reason. */
const EXPLAIN_THRESHOLD = 0.3;
const MAX_REASONS = 3;

export function createRanker(saved?: unknown, options: RankerOptions = {}): Ranker {
  const openRateSettings = options.openRates ?? DEFAULT_OPEN_RATES;
  // A state this version cannot read starts over from the static order rather than failing the inbox.
  const state = saved === undefined ? undefined : readSaved(saved, openRateSettings);
  const { z: zs, n: ns } = state ? decodeTable(state.table) : { z: undefined, n: undefined };
  const model = new FtrlModel(TABLE_SIZE, options.ftrl ?? RANKER_FTRL, zs, ns);
  const opens = RecentOpens.from(state?.opens ?? []);
  const rates = new OpenRates(openRateSettings, state?.rates ?? []);
  const rateTerm = (message: Message, now: number) => rates.term(message.category, message.sender?.id, now);
  const timeZone = options.timeZone ?? 'UTC';
  const msPerLogit = HOUR_MS / (options.priorLogitsPerHour ?? PRIOR_LOGITS_PER_HOUR);

  // Scoring a page calls this once per message with the same `now`: the wall clock is read once.
  let contextAt = NaN;
  let context: ScoringContext = scoringContext({ hour: 0, weekday: 0 });
  const contextOf = (now: number) => {
    if (now !== contextAt) {
      const clock = localClock(now, timeZone);
      if (clock.hour !== context.clock.hour || clock.weekday !== context.clock.weekday) context = scoringContext(clock);
      contextAt = now;
    }
    return context;
  };
  const staticRank = (message: Message, createdAtMs: number) =>
    rankOf({ priority: message.priority, createdAtMs, read: message.read ?? 0 });
  const featuresOf = (message: Message, createdAtMs: number, now: number) =>
    messageFeatures(message, createdAtMs, now, contextOf(now), opens);
  const slotsOf = (features: readonly Feature[]) => features.map((feature) => feature.slot);
  let margin = 0;
  // The bias moves every message alike: left out, "learned nothing about this kind of message" is the static score.
  const addWeight = (kind: FeatureKind, slot: number) => {
    if (kind !== 'bias') margin += model.weight(slot);
  };
  const ratesOf = (term: OpenRateTerm) => term.category + term.sender;

  return {
    score(message, now) {
      const createdAtMs = Date.parse(message.createdAt);
      margin = ratesOf(rateTerm(message, now));
      visitFeatures(message, createdAtMs, now, contextOf(now), opens, addWeight);
      return staticRank(message, createdAtMs) + guardedMargin(message, margin) * msPerLogit;
    },

    learn(message, outcome, now) {
      const createdAtMs = Date.parse(message.createdAt);
      const slots = slotsOf(featuresOf(message, createdAtMs, now));
      const label = outcome === 'opened' ? 1 : 0;
      // The shopper's own level is in the offset: otherwise the weights would soak part of it up, and a
      // level that is not learned about this kind of message would sink every unguarded one against the guarded.
      const prior = (staticRank(message, createdAtMs) - now) / msPerLogit + rates.overall(now) + ratesOf(rateTerm(message, now));
      model.update(slots, prior, label, IMPORTANCE[outcome]);
      rates.record(message.category, message.sender?.id, label, IMPORTANCE[outcome], now);
      // Recorded after learning: the example is judged as it looked before this open.
      if (outcome === 'opened') {
        opens.record(categoryKey(message.category), now);
        if (message.sender) opens.record(senderKey(message.sender.id), now);
      }
    },

    save(): SavedRanker {
      return {
        format: RANKER_STATE_FORMAT,
        tableBits: TABLE_BITS,
        table: encodeTable(model.z, model.n),
        opens: opens.entries(),
        rates: rates.entries(),
      };
    },

    explain(message, now) {
      const features = featuresOf(message, Date.parse(message.createdAt), now);
      const reasons: Explanation[] = [];
      if (message.priority >= 5) reasons.push({ key: 'ranking.urgent' });
      else if (message.priority === 4) reasons.push({ key: 'ranking.highPriority' });
      const term = rateTerm(message, now);
      const contributions: [FeatureKind, number][] = [
        ['category', term.category],
        ['sender', term.sender],
        ...features.filter((feature) => feature.kind !== 'bias').map((feature): [FeatureKind, number] => [feature.kind, model.weight(feature.slot)]),
      ];
      const learned = learnedReasons(message, contributions);
      const margin = contributions.reduce((sum, [, w]) => sum + w, 0);
      if (isGuarded(message) && margin < 0) reasons.push({ key: 'ranking.keptUp', values: { category: message.category } });
      reasons.push(...learned);
      if (reasons.length === 0) reasons.push({ key: 'ranking.priorityThenTime' });
      return reasons.slice(0, MAX_REASONS);
    },
  };
}

/** Messages by score, first shown first; equal scores fall back to the static order's tie-break (bigger id first). */
export function rankByScore<T extends Message>(ranker: Ranker, messages: readonly T[], now: number): T[] {
  return messages
    .map((message) => ({ message, score: ranker.score(message, now) }))
    .sort((a, b) => b.score - a.score || (a.message.id < b.message.id ? 1 : a.message.id > b.message.id ? -1 : 0))
    .map(({ message }) => message);
}

/** The static "priority then time" order of a list (shared/inbox/ordering.ts). */
export function staticOrder<T extends Message>(messages: readonly T[]): T[] {
  const rows = messages.map((message) => ({
    message,
    row: { id: message.id, priority: message.priority, createdAtMs: Date.parse(message.createdAt), read: message.read ?? (0 as const) },
  }));
  return rows.sort((a, b) => compareForDisplay(a.row, b.row, 'priority')).map(({ message }) => message);
}

/** The smart order as the inbox shows it: by score, with the first-screen guard rail applied (guarded.ts). */
export function smartOrder<T extends Message>(ranker: Ranker, messages: readonly T[], now: number): T[] {
  return keepFirstScreen(rankByScore(ranker, messages, now), staticOrder(messages));
}

/** Which i18n key a group of learned weights speaks to, positive and negative. */
const REASON_OF: Partial<Record<FeatureKind, { up: string; down: string; about: 'category' | 'sender' }>> = {
  category: { up: 'ranking.opensCategory', down: 'ranking.skipsCategory', about: 'category' },
  type: { up: 'ranking.opensCategory', down: 'ranking.skipsCategory', about: 'category' },
  media: { up: 'ranking.opensCategory', down: 'ranking.skipsCategory', about: 'category' },
  sender: { up: 'ranking.opensSender', down: 'ranking.skipsSender', about: 'sender' },
  time: { up: 'ranking.opensAtThisTime', down: 'ranking.skipsAtThisTime', about: 'category' },
  recentCategory: { up: 'ranking.openedCategoryRecently', down: 'ranking.skipsCategory', about: 'category' },
  recentSender: { up: 'ranking.openedSenderRecently', down: 'ranking.skipsSender', about: 'sender' },
};

function learnedReasons(message: Message, contributions: readonly (readonly [FeatureKind, number])[]): Explanation[] {
  const sums = new Map<string, number>();
  for (const [kind, w] of contributions) {
    const reason = REASON_OF[kind];
    if (!reason) continue;
    const key = w >= 0 ? reason.up : reason.down;
    sums.set(key, (sums.get(key) ?? 0) + w);
  }
  const values = (key: string): Record<string, string> =>
    key.includes('Sender') ? { sender: message.sender?.name ?? '' } : { category: message.category };
  return [...sums]
    .filter(([, sum]) => Math.abs(sum) >= EXPLAIN_THRESHOLD)
    // Guarded messages are never moved down, so "you skip these" would not be why they sit where they do.
    .filter(([, sum]) => sum > 0 || !isGuarded(message))
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]) || (a[0] < b[0] ? -1 : 1))
    .map(([key]) => ({ key, values: values(key) }));
}
