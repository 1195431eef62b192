/**
 * Synthetic shoppers for bench/ranking.bench.ts. Each has hidden tastes the
 * ranker never sees; the replay only shows it the messages and what the
 * shopper did with them. The assumptions are listed in docs/smart-inbox.md
 * ("The simulated shoppers"); every number that shapes a shopper is here.
 */
import type { Message } from '../shared/inbox/ranking.js';
import { localClock } from '../shared/inbox/ranking-features.js';

/** mulberry32: small, seeded, the same sequence on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function normal(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

function pick<T>(random: () => number, weighted: readonly (readonly [T, number])[]): T {
  const total = weighted.reduce((sum, [, w]) => sum + w, 0);
  let r = random() * total;
  for (const [value, w] of weighted) {
    r -= w;
    if (r <= 0) return value;
  }
  return weighted[weighted.length - 1]![0];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface CategoryProfile {
  /** Share of the incoming messages. */
  share: number;
  /** Population mean of the shopper's taste (logit): shoppers open order news more than offers. */
  popularity: number;
  priorities: readonly (readonly [number, number])[];
  image: number;
  actions: number;
  /** Share of these messages that come from a seller (with a sender). */
  fromSeller: number;
  thread: string;
  type: Message['type'];
}

/** What an e-commerce inbox receives, roughly: offers dominate, orders and deliveries matter most. */
export const CATEGORIES: Record<string, CategoryProfile> = {
  order: { share: 0.14, popularity: 1.0, priorities: [[3, 0.8], [4, 0.2]], image: 0.1, actions: 0.3, fromSeller: 0, thread: 'order', type: 'system' },
  shipping: { share: 0.14, popularity: 0.8, priorities: [[3, 0.7], [4, 0.3]], image: 0.05, actions: 0.3, fromSeller: 0, thread: 'ship', type: 'system' },
  payment: { share: 0.05, popularity: 0.8, priorities: [[4, 0.7], [5, 0.3]], image: 0, actions: 0.5, fromSeller: 0, thread: 'pay', type: 'system' },
  account: { share: 0.03, popularity: 0.3, priorities: [[3, 0.6], [4, 0.4]], image: 0, actions: 0.3, fromSeller: 0, thread: 'account', type: 'system' },
  promotion: { share: 0.34, popularity: -1.0, priorities: [[1, 0.2], [2, 0.6], [3, 0.2]], image: 0.7, actions: 0.4, fromSeller: 0.7, thread: 'promo', type: 'user' },
  review: { share: 0.12, popularity: -0.5, priorities: [[2, 0.7], [3, 0.3]], image: 0.2, actions: 0.5, fromSeller: 1, thread: 'review', type: 'user' },
  chat: { share: 0.18, popularity: 0.5, priorities: [[3, 1]], image: 0.1, actions: 0, fromSeller: 1, thread: 'chat', type: 'user' },
};
const CATEGORY_NAMES = Object.keys(CATEGORIES);
const DAYPARTS = 4;
const ZONES = ['UTC', 'Asia/Shanghai', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'America/Sao_Paulo'];
const SELLERS = 10;

/** The knobs of the hidden tastes, fixed before the ranker was tuned (docs/smart-inbox.md). */
export const SIMULATION = {
  messagesPerDay: 12,
  baseLogit: -1.0,
  categorySpread: 1.0,
  senderSpread: 0.8,
  /** Chance that a category has a favourite time of day, and its effect there / elsewhere. */
  daypartChance: 0.35,
  daypartLift: 1.0,
  daypartElsewhere: -0.3,
  weekendSpread: 0.3,
  priorityPerStep: 0.4,
  imageSpread: 0.3,
  agePerDoubling: -0.25,
  messageNoise: 0.5,
  /** Daily random walk of category and sender tastes, and one abrupt change of one category. */
  driftPerDay: 0.05,
  shiftBetweenDays: [20, 60] as const,
  dismissShare: 0.6,
};

export interface Shopper {
  id: number;
  timeZone: string;
  /** Local hours at which the shopper habitually opens the app. */
  visitHours: number[];
  categoryTaste: Record<string, number>;
  senderTaste: number[];
  sellerWeights: number[];
  daypartTaste: Record<string, number[]>;
  weekendTaste: Record<string, number>;
  imageTaste: number;
  shiftDay: number;
  shiftCategory: string;
  random: () => number;
}

export function makeShopper(id: number, seed: number): Shopper {
  const random = rng(seed * 7919 + id);
  const s = SIMULATION;
  const categoryTaste: Record<string, number> = {};
  const daypartTaste: Record<string, number[]> = {};
  const weekendTaste: Record<string, number> = {};
  for (const name of CATEGORY_NAMES) {
    categoryTaste[name] = CATEGORIES[name]!.popularity + s.categorySpread * normal(random);
    const favourite = random() < s.daypartChance ? Math.floor(random() * DAYPARTS) : -1;
    daypartTaste[name] = Array.from({ length: DAYPARTS }, (_, d) => (favourite === -1 ? 0 : d === favourite ? s.daypartLift : s.daypartElsewhere));
    weekendTaste[name] = s.weekendSpread * normal(random);
  }
  const visits = 2 + Math.floor(random() * 3);
  const visitHours = Array.from({ length: visits }, () => 7 + Math.floor(random() * 16)).sort((a, b) => a - b);
  return {
    id,
    timeZone: ZONES[Math.floor(random() * ZONES.length)]!,
    visitHours,
    categoryTaste,
    senderTaste: Array.from({ length: SELLERS }, () => s.senderSpread * normal(random)),
    sellerWeights: Array.from({ length: SELLERS }, (_, i) => 1 / (i + 1)),
    daypartTaste,
    weekendTaste,
    imageTaste: s.imageSpread * normal(random),
    shiftDay: s.shiftBetweenDays[0] + Math.floor(random() * (s.shiftBetweenDays[1] - s.shiftBetweenDays[0])),
    shiftCategory: CATEGORY_NAMES[Math.floor(random() * CATEGORY_NAMES.length)]!,
    random,
  };
}

/** One day passes: tastes drift a little; on the shift day one category's taste is drawn anew. */
export function drift(shopper: Shopper, day: number): void {
  const { random } = shopper;
  for (const name of CATEGORY_NAMES) shopper.categoryTaste[name]! += SIMULATION.driftPerDay * normal(random);
  for (let i = 0; i < SELLERS; i++) shopper.senderTaste[i]! += SIMULATION.driftPerDay * normal(random);
  if (day === shopper.shiftDay) {
    const name = shopper.shiftCategory;
    shopper.categoryTaste[name] = CATEGORIES[name]!.popularity + SIMULATION.categorySpread * normal(random);
  }
}

export interface SimMessage extends Message {
  /** Hidden: this message's own appeal (its title, its picture). */
  noise: number;
  seller: number;
}

let sequence = 0;

export function makeMessage(shopper: Shopper, createdAt: number, only?: { category?: string; seller?: number; priority?: number }): SimMessage {
  const { random } = shopper;
  for (;;) {
    const category = only?.category ?? pick(random, CATEGORY_NAMES.map((name) => [name, CATEGORIES[name]!.share] as const));
    const profile = CATEGORIES[category]!;
    const fromSeller = only?.seller !== undefined || random() < profile.fromSeller;
    if (only?.seller !== undefined && profile.fromSeller === 0) continue;
    const seller = only?.seller ?? (fromSeller ? pick(random, shopper.sellerWeights.map((w, i) => [i, w] as const)) : -1);
    const priority = pick(random, profile.priorities);
    if (only?.priority !== undefined && priority !== only.priority) continue;
    sequence += 1;
    const id = `m${String(sequence).padStart(8, '0')}`;
    return {
      id,
      type: seller >= 0 ? 'user' : profile.type === 'user' ? 'system' : profile.type,
      category,
      priority,
      title: `${category} ${sequence}`,
      createdAt: new Date(createdAt).toISOString(),
      collapseKey: `${profile.thread}:${seller >= 0 ? `s${seller}` : sequence % 50}`,
      ...(random() < profile.image ? { image: '/img.png' } : {}),
      ...(random() < profile.actions ? { actions: [{ title: 'Open', url: '/x' }] } : {}),
      ...(seller >= 0 ? { sender: { id: `seller-${seller}`, name: `Store ${seller}` } } : {}),
      noise: SIMULATION.messageNoise * normal(random),
      seller,
    };
  }
}

/** The hidden chance that this shopper opens this message when shown it at `now`. */
export function openChance(shopper: Shopper, message: SimMessage, now: number): number {
  const clock = localClock(now, shopper.timeZone);
  const daypart = Math.floor(clock.hour / 6);
  const weekend = clock.weekday === 0 || clock.weekday === 6;
  const ageHours = Math.max(0, (now - Date.parse(message.createdAt)) / HOUR);
  const s = SIMULATION;
  const logit =
    s.baseLogit +
    shopper.categoryTaste[message.category]! +
    (message.seller >= 0 ? shopper.senderTaste[message.seller]! : 0) +
    shopper.daypartTaste[message.category]![daypart]! +
    (weekend ? shopper.weekendTaste[message.category]! : 0) +
    s.priorityPerStep * (message.priority - 3) +
    (message.image ? shopper.imageTaste : 0) +
    s.agePerDoubling * Math.log2(1 + ageHours) +
    message.noise;
  return 1 / (1 + Math.exp(-logit));
}

/** Instants (UTC ms) of the shopper's visits on day `day` after `start`, on their wall clock (approximately: the offset of noon). */
export function visitsOn(shopper: Shopper, start: number, day: number): number[] {
  const noon = start + day * DAY + 12 * HOUR;
  const offsetHours = localClock(noon, shopper.timeZone).hour - 12;
  return shopper.visitHours
    .filter(() => shopper.random() < 0.85)
    .map((hour) => start + day * DAY + (hour - offsetHours) * HOUR + Math.floor((shopper.random() - 0.5) * 2 * HOUR))
    .sort((a, b) => a - b);
}

/** Arrival instants of day `day`'s messages: mostly in shop hours. */
export function arrivalsOn(shopper: Shopper, start: number, day: number): number[] {
  const { random } = shopper;
  const count = poisson(random, SIMULATION.messagesPerDay);
  return Array.from({ length: count }, () => start + day * DAY + Math.floor(random() * DAY)).sort((a, b) => a - b);
}

function poisson(random: () => number, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = random(); p > limit; p *= random()) k += 1;
  return k;
}

export const DAY_MS = DAY;
export { CATEGORY_NAMES, SELLERS };
