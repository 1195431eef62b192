/**
 * The inbox orderings. Two are keys that can be stored and indexed; the
 * third, "smart", reorders the first window of "priority then time" with the
 * shopper's own ranker (client/src/inbox/smart-page.ts, docs/smart-inbox.md)
 * and pages through the same index.
 *
 * "Newest first" sorts by `createdAtMs`. "Priority, then time" sorts by a
 * rank that is a time too: the message's creation time moved forward by a
 * bonus for its priority, and by the same bonus again while it is unread.
 * An urgent unread notice therefore ranks like a normal message created two
 * days later, so it stays on top for about two days and then sinks, instead of
 * sitting above everything forever. Because the rank depends only on the
 * message itself (never on `now`), it can be written once and indexed, and
 * Dexie pages it with keyset paging like any other key. See
 * docs/inbox-ordering.md.
 */

export const INDEXED_ORDERINGS = ['priority', 'newest'] as const;
export type IndexedOrdering = (typeof INDEXED_ORDERINGS)[number];
export const INBOX_ORDERINGS = [...INDEXED_ORDERINGS, 'smart'] as const;
export type InboxOrdering = (typeof INBOX_ORDERINGS)[number];

/** The index an ordering walks: "smart" reorders the top of "priority", so it pages through that. */
export function indexedOrdering(ordering: InboxOrdering): IndexedOrdering {
  return ordering === 'smart' ? 'priority' : ordering;
}

const HOUR_MS = 3_600_000;

/**
 * Bonus per priority (1 min … 5 urgent). Doubled while unread: urgent unread
 * = +48 h, urgent read = +24 h, high unread = +16 h, default unread = +4 h.
 */
export const PRIORITY_BOOST_MS: Readonly<Record<number, number>> = {
  1: 0,
  2: 1 * HOUR_MS,
  3: 2 * HOUR_MS,
  4: 8 * HOUR_MS,
  5: 24 * HOUR_MS,
};

export interface Rankable {
  id: string;
  priority: number;
  createdAtMs: number;
  read: 0 | 1;
}

export function boostMs(priority: number, unread: boolean): number {
  const boost = PRIORITY_BOOST_MS[priority] ?? 0;
  return unread ? 2 * boost : boost;
}

/** The stored, indexed rank of "priority, then time": higher comes first. */
export function rankOf(message: Pick<Rankable, 'priority' | 'createdAtMs' | 'read'>): number {
  return message.createdAtMs + boostMs(message.priority, message.read === 0);
}

/** The index key of a message in an ordering: its time or rank, then the id as tie-break. */
export type OrderKey = [value: number, id: string];

export function orderKey(message: Rankable, ordering: IndexedOrdering): OrderKey {
  return [ordering === 'newest' ? message.createdAtMs : rankOf(message), message.id];
}

/**
 * Total order, first-shown first: bigger key value first, then bigger id (the
 * order a reversed `[value+id]` index yields). Two distinct messages never
 * compare equal because ids are unique.
 */
export function compareForDisplay(a: Rankable, b: Rankable, ordering: IndexedOrdering): number {
  const [va, ia] = orderKey(a, ordering);
  const [vb, ib] = orderKey(b, ordering);
  if (va !== vb) return vb - va;
  return ia < ib ? 1 : ia > ib ? -1 : 0;
}
