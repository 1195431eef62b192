/**
 * How often this shopper opens each category, and each sender within a
 * category, counted and shrunk towards the level above (Beta-Bernoulli with
 * pseudo-counts): all messages → category → category × sender.
 *
 * This is the ranker's fast-learning part. A handful of opens of a category
 * already moves its estimate, where the hashed FTRL weights need dozens of
 * examples to agree with each other; and a key seen rarely stays close to
 * its parent instead of swinging on one outcome. Counts fade with a
 * half-life in days, so a taste that changes is followed.
 *
 * Before anything is counted every rate is its parent's, and the term this
 * adds to the logit is exactly 0: the ranker still starts at the static order.
 */

const DAY_MS = 86_400_000;

export interface OpenRateSettings {
  /** Pseudo-counts of the parent's rate in each estimate: how many outcomes it takes to move halfway. */
  strength: number;
  /** Counts of a key halve after this many days. */
  halfLifeDays: number;
}

export const DEFAULT_OPEN_RATES: OpenRateSettings = { strength: 4, halfLifeDays: 30 };

/** Keys kept (all, each category, each category × sender); past it the one counted longest ago goes. */
export const OPEN_RATES_CAPACITY = 256;

/** One key's counts: opens and outcomes (each weighted by its importance), faded to `at`. */
export type OpenRateEntry = [key: string, opens: number, seen: number, at: number];

/** The learned logit of a message's open rates, split by what it is about (for explanations). */
export interface OpenRateTerm {
  category: number;
  sender: number;
}

const ALL = '*';
const categoryKey = (category: string) => `c=${category}`;
const pairKey = (category: string, senderId: string) => `c=${category}|s=${senderId}`;
const logit = (p: number) => Math.log(p / (1 - p));

export class OpenRates {
  private readonly counts = new Map<string, OpenRateEntry>();
  // Scoring a page asks for the same few categories and senders at one `now`: each is worked out once.
  private readonly memo = new Map<string, Map<string | undefined, OpenRateTerm>>();
  private memoAt = NaN;

  constructor(
    readonly settings: OpenRateSettings = DEFAULT_OPEN_RATES,
    entries: readonly OpenRateEntry[] = [],
  ) {
    for (const entry of entries) this.counts.set(entry[0], [...entry]);
    while (this.counts.size > OPEN_RATES_CAPACITY) this.counts.delete(this.oldestKey());
  }

  /** How much more (or less) than the shopper's average they open this category, and this sender in it, in logits. */
  term(category: string, senderId: string | undefined, now: number): OpenRateTerm {
    if (now !== this.memoAt) {
      this.memo.clear();
      this.memoAt = now;
    }
    let ofCategory = this.memo.get(category);
    if (!ofCategory) this.memo.set(category, (ofCategory = new Map()));
    let term = ofCategory.get(senderId);
    if (!term) ofCategory.set(senderId, (term = this.workOut(category, senderId, now)));
    return term;
  }

  private workOut(category: string, senderId: string | undefined, now: number): OpenRateTerm {
    const all = this.rate(ALL, 0.5, now);
    const ofCategory = this.rate(categoryKey(category), all, now);
    const ofSender = senderId === undefined ? ofCategory : this.rate(pairKey(category, senderId), ofCategory, now);
    return { category: logit(ofCategory) - logit(all), sender: logit(ofSender) - logit(ofCategory) };
  }

  /** One outcome: `opened` 1 or 0, counted `weight` times. */
  record(category: string, senderId: string | undefined, opened: 0 | 1, weight: number, now: number): void {
    this.memoAt = NaN;
    this.count(ALL, opened, weight, now);
    this.count(categoryKey(category), opened, weight, now);
    if (senderId !== undefined) this.count(pairKey(category, senderId), opened, weight, now);
  }

  /** Sorted by key: the same state always saves to the same JSON. */
  entries(): OpenRateEntry[] {
    return [...this.counts.values()].map((entry): OpenRateEntry => [...entry]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  private faded(key: string, now: number): [opens: number, seen: number] {
    const entry = this.counts.get(key);
    if (!entry) return [0, 0];
    const factor = 0.5 ** (Math.max(0, now - entry[3]) / (this.settings.halfLifeDays * DAY_MS));
    return [entry[1] * factor, entry[2] * factor];
  }

  private rate(key: string, parent: number, now: number): number {
    const [opens, seen] = this.faded(key, now);
    const { strength } = this.settings;
    return (opens + strength * parent) / (seen + strength);
  }

  private count(key: string, opened: 0 | 1, weight: number, now: number): void {
    const [opens, seen] = this.faded(key, now);
    // An outcome older than what is counted is added without moving the clock back.
    this.counts.set(key, [key, opens + opened * weight, seen + weight, Math.max(now, this.counts.get(key)?.[3] ?? now)]);
    if (this.counts.size > OPEN_RATES_CAPACITY) this.counts.delete(this.oldestKey());
  }

  private oldestKey(): string {
    let oldest: OpenRateEntry | undefined;
    for (const entry of this.counts.values()) {
      if (!oldest || entry[3] < oldest[3] || (entry[3] === oldest[3] && entry[0] < oldest[0])) oldest = entry;
    }
    return oldest![0];
  }
}
