import { liveQuery } from 'dexie';
import type { StoredMessage } from '../db/db.js';
import { countUnread, hasOlderThan, keyOf, listDownTo, listNewest, type MessageKey } from '../db/message.repository.js';

export const PAGE_SIZE = 50;

/** How often relative times and expiry are re-evaluated without any new data. */
const CLOCK_TICK_MS = 60_000;

/**
 * What the inbox shows, read live from Dexie. The first page is the newest
 * `PAGE_SIZE` messages; "load more" finds the next page by key and lowers the
 * floor of the live window to its last message, so everything on screen —
 * however far the shopper scrolled — keeps following new arrivals and read
 * changes, and no query ever skips rows by offset.
 */
export class InboxView {
  messages = $state<StoredMessage[]>([]);
  /** Older messages exist below what is shown. */
  more = $state(false);
  loaded = $state(false);
  unread = $state(0);
  loadingMore = $state(false);
  /** Drives relative times and hides messages whose expiry has passed. */
  now = $state(Date.now());
  private floor = $state<MessageKey | null>(null);

  /**
   * Subscribes to the data the view needs; call from an `$effect`, which
   * re-subscribes when the floor moves or the clock ticks. Returns the cleanup.
   */
  watch(): () => void {
    const floor = this.floor;
    const now = this.now;
    const list = liveQuery(async () => {
      if (floor === null) return listNewest({ limit: PAGE_SIZE, now });
      const [messages, more] = await Promise.all([listDownTo(floor, now), hasOlderThan(floor, now)]);
      return { messages, more };
    }).subscribe({
      next: (page) => {
        this.messages = page.messages;
        this.more = page.more;
        this.loaded = true;
      },
      error: (error: unknown) => console.error('tidings: inbox query failed', error),
    });
    const unread = liveQuery(() => countUnread(now)).subscribe({
      next: (count) => (this.unread = count),
      error: (error: unknown) => console.error('tidings: unread count failed', error),
    });
    return () => {
      list.unsubscribe();
      unread.unsubscribe();
    };
  }

  /** Keeps `now` moving; call from an `$effect`. Returns the cleanup. */
  tick(): () => void {
    const timer = setInterval(() => (this.now = Date.now()), CLOCK_TICK_MS);
    return () => clearInterval(timer);
  }

  /** Back to the first page, e.g. when another shopper signs in. */
  reset(): void {
    this.floor = null;
    this.messages = [];
    this.more = false;
    this.loaded = false;
  }

  async loadMore(): Promise<void> {
    const last = this.messages.at(-1);
    if (!last || this.loadingMore) return;
    this.loadingMore = true;
    try {
      const page = await listNewest({ limit: PAGE_SIZE, before: keyOf(last), now: this.now });
      const oldest = page.messages.at(-1);
      if (oldest) this.floor = keyOf(oldest);
      else this.more = false;
    } finally {
      this.loadingMore = false;
    }
  }
}
