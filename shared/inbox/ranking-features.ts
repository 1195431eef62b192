import type { Message } from '../message.schema.js';
import { recencyBucket, type RecentOpens } from './recent-opens.js';

/**
 * The ranker's features, hashed into a fixed-size table. Each feature is a
 * short string ("c=shipping", "daypart=evening|c=promotion"); its slot is a
 * 32-bit FNV-1a hash of that string modulo the table size. Collisions are
 * accepted (the table is large compared with the few hundred features one
 * shopper's inbox produces); nothing about the shopper is stored but the
 * table's numbers.
 *
 * Time features are read in the shopper's time zone at the moment of
 * scoring: what the shopper opens in the evening is a property of their
 * evening, wherever the server is.
 */

/** Slots in the table: 2^12. Two float32 per slot: 32 KiB of state. */
export const TABLE_BITS = 12;
export const TABLE_SIZE = 1 << TABLE_BITS;

export interface RankingMessage extends Message {
  /** The inbox's read flag (StoredMessage has it); a message without it counts as unread. */
  read?: 0 | 1;
}

/** What a feature is about, for explanations. */
export type FeatureKind =
  | 'bias'
  | 'category'
  | 'sender'
  | 'type'
  | 'priority'
  | 'thread'
  | 'time'
  | 'age'
  | 'media'
  | 'recentCategory'
  | 'recentSender';

export interface Feature {
  kind: FeatureKind;
  slot: number;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a, continued from `hash` over `text`: hashing "a" then "b" equals hashing "ab". */
function feed(hash: number, text: string): number {
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME);
  return hash;
}

const slotOf = (hash: number) => (hash >>> 0) & (TABLE_SIZE - 1);

/** The slot of a feature named in full, e.g. "c=shipping". */
export function hashSlot(name: string): number {
  return slotOf(feed(FNV_OFFSET, name));
}

export interface LocalClock {
  /** 0–23 on the shopper's wall clock. */
  hour: number;
  /** 0 Sunday … 6 Saturday. */
  weekday: number;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', { timeZone, hour: '2-digit', hourCycle: 'h23', weekday: 'short' });
    } catch {
      // A zone this runtime does not know reads as UTC rather than failing the inbox.
      formatter = formatterFor('UTC');
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Hour and weekday of `now` on the shopper's wall clock. */
export function localClock(now: number, timeZone: string): LocalClock {
  let hour = 0;
  let weekday = 0;
  for (const part of formatterFor(timeZone).formatToParts(new Date(now))) {
    if (part.type === 'hour') hour = Number(part.value) % 24;
    else if (part.type === 'weekday') weekday = WEEKDAYS[part.value] ?? 0;
  }
  return { hour, weekday };
}

const DAYPARTS = ['night', 'night', 'night', 'night', 'night', 'night', 'morning', 'morning', 'morning', 'morning', 'morning', 'morning',
  'afternoon', 'afternoon', 'afternoon', 'afternoon', 'afternoon', 'afternoon', 'evening', 'evening', 'evening', 'evening', 'evening', 'evening'] as const;

const HOUR_MS = 3_600_000;

function ageBucket(ageMs: number): string {
  const hours = ageMs / HOUR_MS;
  if (hours < 1) return '<1h';
  if (hours < 6) return '<6h';
  if (hours < 24) return '<1d';
  if (hours < 72) return '<3d';
  return 'older';
}

export function collapsePrefix(collapseKey: string | undefined): string | undefined {
  if (!collapseKey) return undefined;
  const colon = collapseKey.indexOf(':');
  return colon === -1 ? collapseKey : collapseKey.slice(0, colon);
}

export const categoryKey = (category: string) => `c:${category}`;
export const senderKey = (senderId: string) => `s:${senderId}`;

/**
 * The parts of feature names fixed for one moment (the shopper's clock),
 * hashed once: scoring a page then hashes only each message's own values.
 */
export interface ScoringContext {
  clock: LocalClock;
  daypartCategory: number;
  hourCategory: number;
  weekCategory: number;
  weekdayCategory: number;
  daypartSender: number;
}

export function scoringContext(clock: LocalClock): ScoringContext {
  const daypart = DAYPARTS[clock.hour]!;
  const weekend = clock.weekday === 0 || clock.weekday === 6 ? 'weekend' : 'weekday';
  return {
    clock,
    daypartCategory: feed(FNV_OFFSET, `daypart=${daypart}|c=`),
    hourCategory: feed(FNV_OFFSET, `hour=${clock.hour}|c=`),
    weekCategory: feed(FNV_OFFSET, `${weekend}|c=`),
    weekdayCategory: feed(FNV_OFFSET, `weekday=${clock.weekday}|c=`),
    daypartSender: feed(FNV_OFFSET, `daypart=${daypart}|s=`),
  };
}

const prefix = (text: string) => feed(FNV_OFFSET, text);
const CATEGORY = prefix('c=');
const SENDER = prefix('s=');
const THREAD = prefix('k=');
const BIAS = hashSlot('bias');
const memo = <K extends string | number>(make: (key: K) => number) => {
  const made = new Map<K, number>();
  return (key: K) => {
    let value = made.get(key);
    if (value === undefined) made.set(key, (value = make(key)));
    return value;
  };
};
const typeCategory = memo((type: string) => prefix(`t=${type}|c=`));
const prioritySlot = memo((priority: number) => hashSlot(`p=${priority}`));
const priorityCategory = memo((priority: number) => prefix(`p=${priority}|c=`));
const ageSlot = memo((bucket: string) => hashSlot(`age=${bucket}`));
const imageCategory = memo((flag: number) => prefix(`image=${flag}|c=`));
const actionsCategory = memo((flag: number) => prefix(`actions=${flag}|c=`));
const openedCategory = memo((bucket: string) => hashSlot(`opened-category=${bucket}`));
const openedSender = memo((bucket: string) => hashSlot(`opened-sender=${bucket}`));

/**
 * Calls `visit` with each feature of a message shown at `now`: the one
 * definition of the features, for scoring (which sums weights and allocates
 * nothing), learning and explaining.
 */
export function visitFeatures(
  message: RankingMessage,
  createdAtMs: number,
  now: number,
  context: ScoringContext,
  opens: RecentOpens,
  visit: (kind: FeatureKind, slot: number) => void,
): void {
  const c = message.category;
  visit('bias', BIAS);
  visit('category', slotOf(feed(CATEGORY, c)));
  visit('type', slotOf(feed(typeCategory(message.type), c)));
  visit('priority', prioritySlot(message.priority));
  visit('priority', slotOf(feed(priorityCategory(message.priority), c)));
  const thread = collapsePrefix(message.collapseKey);
  if (thread !== undefined) visit('thread', slotOf(feed(THREAD, thread)));
  visit('time', slotOf(feed(context.daypartCategory, c)));
  visit('time', slotOf(feed(context.hourCategory, c)));
  visit('time', slotOf(feed(context.weekCategory, c)));
  visit('time', slotOf(feed(context.weekdayCategory, c)));
  visit('age', ageSlot(ageBucket(now - createdAtMs)));
  visit('media', slotOf(feed(imageCategory(message.image ? 1 : 0), c)));
  visit('media', slotOf(feed(actionsCategory(message.actions?.length ? 1 : 0), c)));
  visit('recentCategory', openedCategory(recencyBucket(opens.get(categoryKey(c)), now)));
  if (message.sender) {
    const s = message.sender.id;
    const sender = feed(SENDER, s);
    visit('sender', slotOf(sender));
    visit('sender', slotOf(feed(feed(sender, '|c='), c)));
    visit('time', slotOf(feed(context.daypartSender, s)));
    visit('recentSender', openedSender(recencyBucket(opens.get(senderKey(s)), now)));
  }
}

/** The features of one message shown at `now`, as a list. */
export function messageFeatures(message: RankingMessage, createdAtMs: number, now: number, context: ScoringContext, opens: RecentOpens): Feature[] {
  const features: Feature[] = [];
  visitFeatures(message, createdAtMs, now, context, opens, (kind, slot) => features.push({ kind, slot }));
  return features;
}
