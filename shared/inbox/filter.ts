import type { MESSAGE_TYPES } from '../message.schema.js';

/**
 * Which messages the shopper wants to see. Every criterion is optional and
 * they combine with AND; a criterion left out matches everything. The same
 * predicate runs in the client (while walking an index) and anywhere else
 * that needs to agree with what the inbox shows.
 */

/** inbox: neither archived nor deleted; archive: archived; history: everything not deleted. */
export const INBOX_VIEWS = ['inbox', 'archive', 'history'] as const;
export type InboxView = (typeof INBOX_VIEWS)[number];

export type MessageType = (typeof MESSAGE_TYPES)[number];

export interface InboxFilter {
  /** Any of these categories (empty or absent: all). */
  categories?: readonly string[];
  types?: readonly MessageType[];
  unreadOnly?: boolean;
  minPriority?: number;
  /** Created at or after, epoch ms. */
  fromMs?: number;
  /** Created before, epoch ms (exclusive, so a day range is [midnight, next midnight)). */
  toMs?: number;
  /** Case-insensitive words that must all occur in title, body or sender name. */
  search?: string;
}

export interface Filterable {
  type: string;
  category: string;
  priority: number;
  title: string;
  body?: string | undefined;
  sender?: { name: string } | undefined;
  createdAtMs: number;
  expiresAtMs?: number | undefined;
  read: 0 | 1;
  archived: 0 | 1;
  deleted: 0 | 1;
}

export function isExpired(message: Pick<Filterable, 'expiresAtMs'>, now: number): boolean {
  return message.expiresAtMs !== undefined && message.expiresAtMs <= now;
}

export function inView(message: Pick<Filterable, 'archived' | 'deleted'>, view: InboxView): boolean {
  if (message.deleted === 1) return false;
  if (view === 'inbox') return message.archived === 0;
  if (view === 'archive') return message.archived === 1;
  return true;
}

/** Lower-cased words of a search box; empty when there is nothing to search for. */
export function searchTerms(search: string | undefined): string[] {
  return (search ?? '').toLocaleLowerCase().split(/\s+/).filter((word) => word.length > 0);
}

/**
 * The criteria of the filter alone (no view, no expiry). Terms are passed in
 * pre-split so a scan over thousands of rows does not re-split per row.
 */
export function matchesCriteria(message: Filterable, filter: InboxFilter, terms: readonly string[] = searchTerms(filter.search)): boolean {
  if (filter.categories && filter.categories.length > 0 && !filter.categories.includes(message.category)) return false;
  if (filter.types && filter.types.length > 0 && !filter.types.includes(message.type as MessageType)) return false;
  if (filter.unreadOnly && message.read === 1) return false;
  if (filter.minPriority !== undefined && message.priority < filter.minPriority) return false;
  if (filter.fromMs !== undefined && message.createdAtMs < filter.fromMs) return false;
  if (filter.toMs !== undefined && message.createdAtMs >= filter.toMs) return false;
  if (terms.length > 0) {
    const text = `${message.title}\n${message.body ?? ''}\n${message.sender?.name ?? ''}`.toLocaleLowerCase();
    if (!terms.every((term) => text.includes(term))) return false;
  }
  return true;
}

/** Whether the inbox shows `message` in `view` under `filter` at `now`: expired messages never show. */
export function isShown(message: Filterable, view: InboxView, filter: InboxFilter, now: number): boolean {
  return inView(message, view) && !isExpired(message, now) && matchesCriteria(message, filter);
}

/** True when the filter narrows nothing: the UI shows "clear filters" only otherwise. */
export function isEmptyFilter(filter: InboxFilter): boolean {
  return (
    (filter.categories?.length ?? 0) === 0 &&
    (filter.types?.length ?? 0) === 0 &&
    !filter.unreadOnly &&
    (filter.minPriority ?? 1) <= 1 &&
    filter.fromMs === undefined &&
    filter.toMs === undefined &&
    searchTerms(filter.search).length === 0
  );
}
