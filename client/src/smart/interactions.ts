import type { Outcome } from '../../../shared/inbox/ranking.js';

/**
 * When a shopper's action with a card teaches the smart inbox, and what.
 *
 * - `opened`: the message view shows it (a card tapped, a notification
 *   clicked, a step of a thread), or its thread is opened from its card.
 * - `dismissed`: archived, deleted or marked read from its card without
 *   having been opened. Bulk actions ("mark all read") teach nothing: they
 *   say the shopper is clearing up, not what they think of each message.
 * - `ignored`: the card, unread, was at least half in the viewport for
 *   `IGNORED_AFTER_MS` in one stretch and then scrolled out of it, with
 *   nothing done to it. A card hidden because another screen opened over
 *   the list was not scrolled past.
 *
 * Each message teaches once: its first outcome counts, except that a card
 * first ignored and later opened or dismissed teaches that as well (the
 * stronger signal). The last `REMEMBERED` messages are remembered for this.
 */

export const IGNORED_AFTER_MS = 2_000;
export const REMEMBERED = 2_000;

export type Taught = [id: string, outcome: Outcome][];

export class TaughtOutcomes {
  private readonly byId: Map<string, Outcome>;

  constructor(saved: Taught = []) {
    this.byId = new Map(saved.slice(-REMEMBERED));
  }

  /** Whether `outcome` of this message should be learned now. */
  allows(id: string, outcome: Outcome): boolean {
    const before = this.byId.get(id);
    return before === undefined || (before === 'ignored' && outcome !== 'ignored');
  }

  record(id: string, outcome: Outcome): void {
    this.byId.delete(id);
    this.byId.set(id, outcome);
    if (this.byId.size > REMEMBERED) this.byId.delete(this.byId.keys().next().value!);
  }

  entries(): Taught {
    return [...this.byId];
  }
}

/** Since when each card has been in view; says which ones were ignored when they leave it. */
export class VisibleSince {
  private readonly since = new Map<string, number>();

  shown(id: string, at: number): void {
    if (!this.since.has(id)) this.since.set(id, at);
  }

  /** The card left the viewport (`scrolledPast`) or the screen (hidden, removed): true when that was ignoring it. */
  left(id: string, at: number, scrolledPast: boolean): boolean {
    const since = this.since.get(id);
    this.since.delete(id);
    return scrolledPast && since !== undefined && at - since >= IGNORED_AFTER_MS;
  }
}
