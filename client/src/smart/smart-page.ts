import { smartOrder, type Message, type Ranker } from '../../../shared/inbox/ranking.js';

/**
 * How the "Smart" ordering pages at any inbox size: the list is read through
 * the "priority then time" index like the static order (keyset, no scan),
 * and only its first `SMART_WINDOW` rows — the candidates — are scored and
 * reordered (with the first-screen guard rail, see shared/inbox/guarded.ts);
 * every row after the window keeps its static place. The window does not
 * depend on how many pages are loaded, so page k+1 extends page k and
 * nothing jumps when the shopper scrolls on. Why a window of the static
 * order rather than e.g. "all unread": see docs/smart-inbox.md.
 */
export const SMART_WINDOW = 200;

/** Rows to read from the static order to show `limit` rows of the smart one. */
export function rowsToRead(limit: number): number {
  return Math.max(limit, SMART_WINDOW);
}

/** The first `limit` rows of the smart order, from the static order's first `rowsToRead(limit)` (or all there are). */
export function smartPage<T extends Message>(ranker: Ranker, staticRows: readonly T[], limit: number, now: number): T[] {
  const window = smartOrder(ranker, staticRows.slice(0, SMART_WINDOW), now);
  return [...window, ...staticRows.slice(SMART_WINDOW)].slice(0, limit);
}
