import { liveQuery } from 'dexie';
import type { InboxFilter, InboxView as ViewName } from '../../../shared/inbox/filter.js';
import { indexedOrdering, type InboxOrdering } from '../../../shared/inbox/ordering.js';
import type { StoredMessage } from '../db/db.js';
import { countUnreadThreads, hasArchived, nextUnreadExpiry, queryInbox, threadCounts } from '../db/inbox-query.js';
import { countUnread } from '../db/message.repository.js';
import { smartInbox } from '../smart/smart-inbox-state.svelte.js';
import { rowsToRead } from '../smart/smart-page.js';
import { ExpiryTimer, soonestExpiry } from './expiry-timer.js';
import { rememberOrdering, savedOrdering } from './ordering-choice.js';

export const PAGE_SIZE = 50;

/**
 * Rows walked per page shown. A filter no index serves (search, type) and
 * that matches rarely returns what it found within this budget and says
 * "more"; the list asks again with the next page's budget. Keeps every
 * query well under a frame budget's worth of milliseconds at 100,000 rows.
 */
const SCAN_PER_PAGE = 1_000;

/** How often relative times are re-evaluated without any new data (expiry has its own timer). */
const CLOCK_TICK_MS = 60_000;

/**
 * What the inbox shows, read live from Dexie: the first `limit` rows of the
 * chosen view, ordering and filter, walked from the top of the matching
 * index (keyset: never an offset). "More" raises the limit by a page, so
 * everything on screen keeps following new arrivals and state changes from
 * any device; the virtual list renders only the rows in view.
 */
export class InboxView {
  view = $state<ViewName>('inbox');
  /** The last choice made on this device (ordering-choice.ts). */
  ordering = $state<InboxOrdering>(savedOrdering());
  filter = $state<InboxFilter>({});
  messages = $state<StoredMessage[]>([]);
  /** Messages per thread, by threadKey, for the heads listed. */
  counts = $state<Map<string, number>>(new Map());
  /** More rows may match below what is shown. */
  more = $state(false);
  loaded = $state(false);
  /** Unread rows of the inbox as the shopper sees them: a thread counts once. The header and the app badge show this. */
  unread = $state(0);
  /** Unread messages, each of a thread counted: more than `unread` when a thread holds several. */
  unreadMessages = $state(0);
  /** Something is archived: an empty inbox is then "all caught up", not "nothing yet". */
  archivedAny = $state(false);
  /** Drives relative times and hides messages whose expiry has passed. */
  now = $state(Date.now());
  private limit = $state(PAGE_SIZE);
  /** Moves `now` the moment the soonest expiry on screen or in the unread count passes. */
  private readonly expiry = new ExpiryTimer(() => (this.now = Date.now()));
  /** The soonest unread expiry ahead, which may be on a row not loaded. */
  private unreadExpiry: number | undefined;

  /**
   * Subscribes to the data the view needs; call from an `$effect`, which
   * re-subscribes when the view, filter, limit or clock change. Returns the cleanup.
   */
  watch(): () => void {
    // "Smart" reads the static order's rows (its candidate window at least) and reorders them; see smart/smart-page.ts.
    const smart = this.ordering === 'smart';
    if (smart) void smartInbox.version;
    const limit = this.limit;
    const rows = smart ? rowsToRead(limit) : limit;
    const query = {
      view: this.view,
      ordering: indexedOrdering(this.ordering),
      filter: $state.snapshot(this.filter) as InboxFilter,
      now: this.now,
      limit: rows,
      scanBudget: Math.ceil(rows / PAGE_SIZE) * SCAN_PER_PAGE,
    };
    const list = liveQuery(async () => {
      const found = await queryInbox(query);
      const page = smart
        ? { messages: smartInbox.service.page(found.messages, limit, query.now), more: found.more || found.messages.length > limit }
        : found;
      const counts = query.view === 'history' ? new Map<string, number>() : await threadCounts(page.messages);
      return { ...page, counts };
    }).subscribe({
      next: (page) => {
        this.messages = page.messages;
        this.counts = page.counts;
        this.more = page.more;
        this.loaded = true;
        this.armExpiry(query.now);
      },
      error: (error: unknown) => console.error('tidings: inbox query failed', error),
    });
    const now = this.now;
    const unread = liveQuery(async () => {
      const [threads, messages, nextExpiry, archived] = await Promise.all([
        countUnreadThreads(now),
        countUnread(now),
        nextUnreadExpiry(now),
        hasArchived(),
      ]);
      return { threads, messages, nextExpiry, archived };
    }).subscribe({
      next: (counts) => {
        this.unread = counts.threads;
        this.unreadMessages = counts.messages;
        this.archivedAny = counts.archived;
        this.unreadExpiry = counts.nextExpiry;
        this.armExpiry(now);
      },
      error: (error: unknown) => console.error('tidings: unread count failed', error),
    });
    return () => {
      list.unsubscribe();
      unread.unsubscribe();
      this.expiry.stop();
    };
  }

  private armExpiry(now: number): void {
    this.expiry.arm(soonestExpiry(this.messages, now, this.unreadExpiry));
  }

  /**
   * Keeps `now` moving; call from an `$effect`. Returns the cleanup. Timers
   * are throttled or frozen in a hidden tab and a sleeping device, so coming
   * back into view re-evaluates at once.
   */
  tick(): () => void {
    const refresh = () => (this.now = Date.now());
    const timer = setInterval(refresh, CLOCK_TICK_MS);
    const onVisible = () => {
      if (document.visibilityState === 'visible') refresh();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }

  setView(view: ViewName): void {
    this.view = view;
    this.limit = PAGE_SIZE;
  }

  setOrdering(ordering: InboxOrdering): void {
    this.ordering = ordering;
    rememberOrdering(ordering);
    this.limit = PAGE_SIZE;
  }

  /** The ordering kept on this device, read again for the shopper now signed in: the last one's went with their inbox (ordering-choice.ts). */
  followSavedOrdering(): void {
    this.ordering = savedOrdering();
  }

  setFilter(filter: InboxFilter): void {
    this.filter = filter;
    this.limit = PAGE_SIZE;
  }

  /** Back to the first page, e.g. when another shopper signs in. */
  reset(): void {
    this.limit = PAGE_SIZE;
    this.messages = [];
    this.more = false;
    this.loaded = false;
  }

  /** One more page; the live query re-runs with the bigger limit. */
  loadMore(): void {
    if (this.more) this.limit += PAGE_SIZE;
  }

  /** Messages in the row's thread (1 for a message of its own). */
  countOf(message: StoredMessage): number {
    return this.counts.get(message.threadKey) ?? 1;
  }
}
