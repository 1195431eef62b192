/**
 * When the shopper last opened a message of each category and of each
 * sender: the "you opened one of these an hour ago" signal. Bounded: past
 * `capacity` keys the one opened longest ago is forgotten (ties: the smaller
 * key), so the saved state stays small and the same inputs always leave the
 * same state.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export const RECENT_OPENS_CAPACITY = 64;

export type RecencyBucket = 'hour' | 'day' | 'week' | 'older' | 'never';

export function recencyBucket(lastOpenAt: number | undefined, now: number): RecencyBucket {
  if (lastOpenAt === undefined) return 'never';
  const since = now - lastOpenAt;
  if (since < HOUR_MS) return 'hour';
  if (since < DAY_MS) return 'day';
  if (since < 7 * DAY_MS) return 'week';
  return 'older';
}

export class RecentOpens {
  private readonly last = new Map<string, number>();

  constructor(readonly capacity: number = RECENT_OPENS_CAPACITY) {}

  get(key: string): number | undefined {
    return this.last.get(key);
  }

  record(key: string, at: number): void {
    const previous = this.last.get(key);
    if (previous === undefined || at > previous) this.last.set(key, at);
    if (this.last.size > this.capacity) this.last.delete(this.oldestKey());
  }

  private oldestKey(): string {
    let oldest: [string, number] | undefined;
    for (const entry of this.last) {
      if (!oldest || entry[1] < oldest[1] || (entry[1] === oldest[1] && entry[0] < oldest[0])) oldest = entry;
    }
    return oldest![0];
  }

  /** Entries sorted by key: the same state always saves to the same JSON. */
  entries(): [string, number][] {
    return [...this.last].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  static from(entries: readonly (readonly [string, number])[], capacity = RECENT_OPENS_CAPACITY): RecentOpens {
    const opens = new RecentOpens(capacity);
    for (const [key, at] of entries) opens.record(key, at);
    return opens;
  }
}
