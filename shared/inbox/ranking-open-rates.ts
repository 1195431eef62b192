/**
 * How often this shopper opens each category, and how much more or less
 * than expected they open each sender, counted and shrunk (Beta-Bernoulli
 * with pseudo-counts): all messages → category, and per sender the opens
 * against what their messages' categories predicted.
 *
 * This is the ranker's fast-learning part. A handful of opens of a category
 * already moves its estimate, where the hashed FTRL weights need dozens of
 * examples to agree with each other; and a key seen rarely stays close to
 * its parent instead of swinging on one outcome. A sender is judged across
 * all the categories they send in (a seller's offers, chats and reviews
 * tell about the same seller), against the category's rate at the time, so
 * a seller of mostly offers is not "skipped" just because offers are.
 * Counts fade with a half-life in days, so a taste that changes is followed.
 *
 * Before anything is counted every rate is its parent's, and the term this
 * adds to the logit is exactly 0: the ranker still starts at the static order.
 */

const DAY_MS = 86_400_000;

export interface OpenRateSettings {
  /** Pseudo-counts of the parent's rate in a category's estimate: how many outcomes it takes to move halfway. */
  strength: number;
  /** Pseudo-counts of "as expected" in a sender's estimate, in expected opens. */
  senderStrength: number;
  /** Counts of a key halve after this many days. */
  halfLifeDays: number;
}

export const DEFAULT_OPEN_RATES: OpenRateSettings = { strength: 6, senderStrength: 4, halfLifeDays: 30 };

/** Keys kept (all, each category, each sender); past it the one counted longest ago goes. */
export const OPEN_RATES_CAPACITY = 256;

/**
 * One key's counts, each outcome weighted by its importance and faded to
 * `at`: opens and outcomes for all messages and a category; for a sender,
 * opens and the opens their messages' categories predicted (which opens may exceed).
 */
export type OpenRateEntry = [key: string, opens: number, seen: number, at: number];

/** The learned logit of a message's open rates, split by what it is about (for explanations). */
export interface OpenRateTerm {
  category: number;
  sender: number;
}

const ALL = '*';
const categoryKey = (category: string) => `c=${category}`;
export const SENDER_PREFIX = 's=';
const senderKey = (senderId: string) => `${SENDER_PREFIX}${senderId}`;
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

  /** How often the shopper opens this category, as a chance. */
  categoryRate(category: string, now: number): number {
    return this.rate(categoryKey(category), this.rate(ALL, 0.5, now), now);
  }

  /** The shopper's overall open rate, in logits: the level every message shares. */
  overall(now: number): number {
    return logit(this.rate(ALL, 0.5, now));
  }

  private workOut(category: string, senderId: string | undefined, now: number): OpenRateTerm {
    const all = this.rate(ALL, 0.5, now);
    const ofCategory = this.categoryRate(category, now);
    return { category: logit(ofCategory) - logit(all), sender: senderId === undefined ? 0 : Math.log(this.senderRatio(senderId, now)) };
  }

  /** A sender's opens against what their messages' categories predicted, shrunk towards "as expected"; in odds, so its log adds to the logit. */
  private senderRatio(senderId: string, now: number): number {
    const [opens, expected] = this.faded(senderKey(senderId), now);
    const { senderStrength } = this.settings;
    return (opens + senderStrength) / (expected + senderStrength);
  }

  /** One outcome: `opened` 1 or 0, counted `weight` times. */
  record(category: string, senderId: string | undefined, opened: 0 | 1, weight: number, now: number): void {
    this.memoAt = NaN;
    // The sender is judged against the category's rate before this outcome counts.
    const expected = this.categoryRate(category, now);
    this.count(ALL, opened, weight, now);
    this.count(categoryKey(category), opened, weight, now);
    if (senderId !== undefined) this.add(senderKey(senderId), opened * weight, expected * weight, now);
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
    this.add(key, opened * weight, weight, now);
  }

  private add(key: string, opens: number, seen: number, now: number): void {
    const [opened, counted] = this.faded(key, now);
    // An outcome older than what is counted is added without moving the clock back.
    this.counts.set(key, [key, opened + opens, counted + seen, Math.max(now, this.counts.get(key)?.[3] ?? now)]);
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
