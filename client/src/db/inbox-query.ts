import { Dexie } from 'dexie';
import { isExpired, matchesCriteria, searchTerms, type InboxFilter, type InboxView } from '../../../shared/inbox/filter.js';
import { compareForDisplay, orderKey, type IndexedOrdering, type OrderKey } from '../../../shared/inbox/ordering.js';
import { BOX, db, type StoredMessage } from './db.js';

/**
 * The inbox's one read path: walk the index that already has the requested
 * order, from the top (or after a key), keep the rows that pass the filter,
 * and stop when the page is full or the scan budget is spent. Cost is that of
 * the rows walked, never of the table; no offset, no sort in JavaScript.
 * See docs/inbox-ordering.md for which index serves which view.
 */

export interface InboxQuery {
  view: InboxView;
  ordering: IndexedOrdering;
  filter: InboxFilter;
  now: number;
  limit: number;
  /** Continue strictly after this key of the same ordering (keyset paging). */
  after?: OrderKey;
  /**
   * Most rows to walk. A sparse filter (a rare category, a search) can leave
   * the page short; `more` then says there is more to walk, and the caller
   * asks again with a bigger limit or `after` — the UI stays responsive.
   */
  scanBudget?: number;
}

export interface InboxPage {
  messages: StoredMessage[];
  /** More rows may match past the last one walked. */
  more: boolean;
}

export const DEFAULT_SCAN_BUDGET = 1_000;

const MIN = Dexie.minKey;
const MAX = Dexie.maxKey;
/**
 * A fresh copy of maxKey (an array) for each place in a compound key: the
 * same array object twice in one key is invalid by the IndexedDB spec's
 * cycle check, which fake-indexeddb enforces strictly.
 */
const maxKey = (): unknown => [[]];

/** The index walk for a view and ordering, highest key first, after `after` when given. */
export function orderedRange(query: Pick<InboxQuery, 'view' | 'ordering' | 'filter' | 'after'>, category?: string) {
  const { view, ordering, filter, after } = query;
  // A date range bounds the walk itself when the order is by time.
  const lo = ordering === 'newest' && filter.fromMs !== undefined ? filter.fromMs : MIN;
  const hi = ordering === 'newest' && filter.toMs !== undefined ? filter.toMs : MAX;
  const box = view === 'inbox' ? BOX.inbox : BOX.archive;
  const prefix = view === 'history' ? [] : category === undefined ? [box, 1] : [box, 1, category];
  const value = ordering === 'newest' ? 'createdAtMs' : 'rank';
  const index = view === 'history' ? `[${value}+id]` : category === undefined ? `[box+head+${value}+id]` : `[box+head+category+${value}+id]`;
  const lower = [...prefix, lo, MIN];
  // `toMs` is exclusive: [hi, MIN] sits below every key whose value is hi.
  const upper = after ? [...prefix, ...after] : [...prefix, hi === MAX ? maxKey() : hi, hi === MAX ? maxKey() : MIN];
  const includeUpper = after === undefined && hi === MAX;
  return db.messages.where(index).between(lower, upper, true, includeUpper).reverse();
}

/** The row predicate the index cannot apply: expiry, tombstones in history, the filter's criteria. */
export function rowMatcher(query: Pick<InboxQuery, 'view' | 'filter' | 'now'>): (row: StoredMessage) => boolean {
  const terms = searchTerms(query.filter.search);
  const history = query.view === 'history';
  return (row) =>
    !(history && row.box === BOX.deleted) && !isExpired(row, query.now) && matchesCriteria(row, query.filter, terms);
}

/**
 * One page. With categories chosen (inbox and archive), each category's own
 * index is walked and the walks are merged: the first `limit` of a union are
 * among the first `limit` of each part, so the merge is exact.
 */
export async function queryInbox(query: InboxQuery): Promise<InboxPage> {
  const categories = query.filter.categories ?? [];
  if (query.view === 'history' || categories.length === 0) return walk(query);
  const budget = Math.ceil((query.scanBudget ?? DEFAULT_SCAN_BUDGET) / categories.length);
  const parts = await Promise.all(categories.map((category) => walk({ ...query, scanBudget: budget }, category)));
  const merged = parts.flatMap((part) => part.messages).sort((a, b) => compareForDisplay(a, b, query.ordering));
  return { messages: merged.slice(0, query.limit), more: merged.length > query.limit || parts.some((part) => part.more) };
}

async function walk(query: InboxQuery, category?: string): Promise<InboxPage> {
  const matches = rowMatcher(query);
  const budget = Math.max(query.scanBudget ?? DEFAULT_SCAN_BUDGET, query.limit + 1);
  const found: StoredMessage[] = [];
  let walked = 0;
  let exhausted = true;
  await orderedRange(query, category)
    .until(() => {
      if (found.length > query.limit || walked >= budget) {
        exhausted = false;
        return true;
      }
      return false;
    })
    .each((row) => {
      walked += 1;
      if (matches(row)) found.push(row);
    });
  const more = found.length > query.limit || !exhausted;
  return { messages: found.slice(0, query.limit), more };
}

/** The key to continue after, for keyset paging. */
export function keyAfter(message: StoredMessage, ordering: IndexedOrdering): OrderKey {
  return orderKey(message, ordering);
}

/** Messages per thread for the heads on screen, in the head's box. */
export async function threadCounts(heads: readonly StoredMessage[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  await Promise.all(
    heads
      // A lone message's thread ('m:' key) has more than one message only once someone replied.
      .filter((head) => head.threadKey.startsWith('c:') || head.type === 'user')
      .map(async (head) => {
        const count = await db.messages
          .where('[threadKey+createdAtMs]')
          .between([head.threadKey, MIN], [head.threadKey, maxKey()])
          .filter((row) => row.box === head.box)
          .count();
        counts.set(head.threadKey, count);
      }),
  );
  return counts;
}

/** A thread's messages oldest first, tombstones left out. */
export function threadTimeline(threadKey: string): Promise<StoredMessage[]> {
  return db.messages
    .where('[threadKey+createdAtMs]')
    .between([threadKey, MIN], [threadKey, maxKey()])
    .filter((row) => row.box !== BOX.deleted)
    .toArray();
}

/** One message as the message view needs it: the row (tombstones included) and whether it was retracted. */
export async function messageForView(id: string): Promise<{ row: StoredMessage | undefined; retracted: boolean }> {
  const [row, retracted] = await Promise.all([db.messages.get(id), db.retracted.get(id)]);
  return { row, retracted: retracted !== undefined };
}

/**
 * Ids of every message the current filter shows in `view` (threads unfolded),
 * for bulk actions. Walks the box's `[box+read]` range so "mark all read"
 * only visits unread rows.
 */
export async function idsForBulk(query: Pick<InboxQuery, 'view' | 'filter' | 'now'>, read: 0 | 1 | 'any'): Promise<string[]> {
  const boxes = query.view === 'inbox' ? [BOX.inbox] : query.view === 'archive' ? [BOX.archive] : [BOX.inbox, BOX.archive];
  const matches = rowMatcher(query);
  const ids: string[] = [];
  for (const box of boxes) {
    const range =
      read === 'any'
        ? db.messages.where('[box+read]').between([box, 0], [box, 1], true, true)
        : db.messages.where('[box+read]').equals([box, read]);
    await range.each((row) => {
      if (matches(row)) ids.push(row.id);
    });
  }
  return ids;
}

/**
 * Unread as the shopper sees it in the inbox: one per thread whose row (its
 * head) is unread and not expired — the cards that show the unread dot. Two
 * index counts, whatever the size of the inbox.
 */
export async function countUnreadThreads(now: number): Promise<number> {
  const [unread, expired] = await Promise.all([
    db.messages.where('[box+head+read]').equals([BOX.inbox, 1, 0]).count(),
    db.messages
      .where('[box+head+read+expiresAtMs]')
      .between([BOX.inbox, 1, 0, MIN], [BOX.inbox, 1, 0, now], true, true)
      .count(),
  ]);
  return unread - expired;
}

/**
 * When the next unread inbox row expires after `now`, if any: the count
 * changes then even when that row is not among those loaded. One index seek.
 */
export async function nextUnreadExpiry(now: number): Promise<number | undefined> {
  const next = await db.messages
    .where('[box+head+read+expiresAtMs]')
    .between([BOX.inbox, 1, 0, now], [BOX.inbox, 1, 0, MAX], false, true)
    .first();
  return next?.expiresAtMs;
}

/**
 * Whether the archive holds anything: an empty inbox then means "all caught
 * up" rather than "nothing ever came". One index seek.
 */
export async function hasArchived(): Promise<boolean> {
  const first = await db.messages.where('[box+read]').between([BOX.archive, Dexie.minKey], [BOX.archive, Dexie.maxKey]).first();
  return first !== undefined;
}
