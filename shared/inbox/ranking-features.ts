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
  name: string;
  slot: number;
}

export function hashSlot(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) & (TABLE_SIZE - 1);
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

/** The features of one message shown at `now` (clock already read in the shopper's zone). */
export function messageFeatures(message: RankingMessage, now: number, clock: LocalClock, opens: RecentOpens): Feature[] {
  const features: Feature[] = [];
  const add = (kind: FeatureKind, name: string) => features.push({ kind, name, slot: hashSlot(name) });
  const c = message.category;
  const daypart = DAYPARTS[clock.hour]!;
  const weekend = clock.weekday === 0 || clock.weekday === 6 ? 'weekend' : 'weekday';
  add('bias', 'bias');
  add('category', `c=${c}`);
  add('type', `t=${message.type}|c=${c}`);
  add('priority', `p=${message.priority}`);
  add('priority', `p=${message.priority}|c=${c}`);
  const prefix = collapsePrefix(message.collapseKey);
  if (prefix !== undefined) add('thread', `k=${prefix}`);
  add('time', `daypart=${daypart}|c=${c}`);
  add('time', `hour=${clock.hour}|c=${c}`);
  add('time', `${weekend}|c=${c}`);
  add('time', `weekday=${clock.weekday}|c=${c}`);
  add('age', `age=${ageBucket(now - Date.parse(message.createdAt))}`);
  add('media', `image=${message.image ? 1 : 0}|c=${c}`);
  add('media', `actions=${message.actions?.length ? 1 : 0}|c=${c}`);
  add('recentCategory', `opened-category=${recencyBucket(opens.get(categoryKey(c)), now)}`);
  if (message.sender) {
    const s = message.sender.id;
    add('sender', `s=${s}`);
    add('sender', `s=${s}|c=${c}`);
    add('time', `daypart=${daypart}|s=${s}`);
    add('recentSender', `opened-sender=${recencyBucket(opens.get(senderKey(s)), now)}`);
  }
  return features;
}
