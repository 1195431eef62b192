/**
 * The page half of bench/inbox.bench.ts, bundled from the app's own source
 * by esbuild at bench time (never part of the production build) and run in
 * Chromium. Everything it measures goes through the app's real modules: the
 * schema, applyEvents, queryInbox.
 */
import { isShown, type InboxFilter, type InboxView } from '../shared/inbox/filter.js';
import { compareForDisplay, type IndexedOrdering } from '../shared/inbox/ordering.js';
import { groupThreads } from '../shared/inbox/thread.js';
import type { SyncEvent } from '../shared/event.schema.js';
import type { Message } from '../shared/message.schema.js';
import { db } from '../client/src/db/db.js';
import { countUnreadThreads, nextUnreadExpiry, queryInbox } from '../client/src/db/inbox-query.js';
import { countUnread } from '../client/src/db/message.repository.js';
import { changeLocally } from '../client/src/db/message-state.repository.js';
import { applyEvents } from '../client/src/sync/apply-events.js';
import { rowsToRead, smartPage } from '../client/src/smart/smart-page.js';
import { createRanker, type Outcome } from '../shared/inbox/ranking.js';

const CATEGORIES = ['order', 'payment', 'shipping', 'promotion', 'account', 'review', 'chat'];
const WORDS = ['parcel', 'refund', 'sale', 'invoice', 'delivery', 'coupon', 'reply', 'balance', 'review', 'ticket'];
const HOUR = 3_600_000;
export const NOW = Date.UTC(2026, 0, 1);

/** Deterministic pseudo-random numbers, so every run measures the same inbox. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x ^= x + Math.imul(x ^ (x >>> 7), 61 | x);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** Message `i` of a synthetic shop: a year of history, a third of it order threads, a few expiring offers. */
function makeMessage(i: number, rand: () => number, total: number): Message {
  const category = CATEGORIES[Math.floor(rand() * rand() * CATEGORIES.length)]!;
  const word = WORDS[Math.floor(rand() * WORDS.length)]!;
  const createdAt = NOW - Math.floor(((total - i) / total) * 365 * 24 * HOUR);
  const priority = 1 + Math.min(4, Math.floor(rand() * rand() * 6));
  const message: Message = {
    id: `m${String(i).padStart(7, '0')}`,
    type: category === 'chat' ? 'user' : 'system',
    category,
    priority,
    title: `${category} ${word} #${i}`,
    body: `About your ${word}: something happened to item ${i % 997}.`,
    createdAt: new Date(createdAt).toISOString(),
  };
  if (category === 'chat') message.sender = { id: 'seller-1', name: 'Lin Mei' };
  if (category === 'order' || category === 'shipping') message.collapseKey = `order:${Math.floor(i / 4)}`;
  if (category === 'promotion' && rand() < 0.3) message.expiresAt = new Date(createdAt + 7 * 24 * HOUR).toISOString();
  return message;
}

function events(from: number, count: number, total: number, seqStart: number): SyncEvent[] {
  const rand = random(from + 1);
  return Array.from({ length: count }, (_, k) => ({ seq: seqStart + k, kind: 'message' as const, message: makeMessage(from + k, rand, total) }));
}

/** Fills the inbox through applyEvents in sync-page batches; then reads ~80% and archives ~5%. */
async function seed(total: number): Promise<number> {
  await Promise.all(db.tables.map((table) => table.clear()));
  const batch = 5_000;
  for (let from = 0; from < total; from += batch) await applyEvents(events(from, Math.min(batch, total - from), total, from + 1));
  const ids = Array.from({ length: total }, (_, i) => `m${String(i).padStart(7, '0')}`);
  const at = new Date(NOW).toISOString();
  // Old messages are read, recent ones mostly not; some are archived.
  await changeLocally(ids.slice(0, Math.floor(total * 0.8)), 'read', true, at);
  await changeLocally(ids.filter((_, i) => i % 20 === 7), 'archived', true, at);
  await db.outbox.clear();
  return db.messages.count();
}

export interface Case {
  view: InboxView;
  ordering: IndexedOrdering;
  filter: InboxFilter;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timeIndexed(c: Case, runs: number): Promise<{ ms: number; rows: number; more: boolean }> {
  const times: number[] = [];
  let rows = 0;
  let more = false;
  for (let run = 0; run < runs; run += 1) {
    const start = performance.now();
    const page = await queryInbox({ ...c, now: NOW, limit: 50 });
    times.push(performance.now() - start);
    rows = page.messages.length;
    more = page.more;
  }
  return { ms: median(times), rows, more };
}

/** The naive way: every row into memory, filter, group threads, sort, slice. */
async function timeNaive(c: Case, runs: number): Promise<{ ms: number; rows: number }> {
  const times: number[] = [];
  let rows = 0;
  for (let run = 0; run < runs; run += 1) {
    const start = performance.now();
    const all = await db.messages.toArray();
    const boxed = c.view === 'history' ? all.filter((row) => row.box !== 2) : groupThreads(all.filter((row) => row.box === (c.view === 'inbox' ? 0 : 1))).map((t) => t.head);
    const page = boxed.filter((row) => isShown(row, c.view, c.filter, NOW)).sort((a, b) => compareForDisplay(a, b, c.ordering)).slice(0, 50);
    times.push(performance.now() - start);
    rows = page.length;
  }
  return { ms: median(times), rows };
}

/**
 * The "Smart" ordering's first page as inbox-view.svelte.ts builds it: the
 * static order's candidate window read through the index, scored and
 * reordered by a ranker that learned 500 interactions (chat opened, offers
 * dismissed, the rest ignored), cut to 50 rows. Static: the same case's
 * "priority" first page.
 */
async function timeSmart(c: Case, runs: number): Promise<{ ms: number; staticMs: number; rows: number }> {
  const ranker = createRanker();
  const sample = await db.messages.orderBy('[createdAtMs+id]').reverse().limit(500).toArray();
  for (const row of sample) {
    const outcome: Outcome = row.category === 'chat' ? 'opened' : row.category === 'promotion' ? 'dismissed' : 'ignored';
    ranker.learn(row, outcome, row.createdAtMs + HOUR);
  }
  const times: number[] = [];
  let rows = 0;
  for (let run = 0; run < runs; run += 1) {
    const start = performance.now();
    const found = await queryInbox({ ...c, ordering: 'priority', now: NOW, limit: rowsToRead(50), scanBudget: 4_000 });
    const page = smartPage(ranker, found.messages, 50, NOW);
    times.push(performance.now() - start);
    rows = page.length;
  }
  const staticMs = (await timeIndexed({ ...c, ordering: 'priority' }, runs)).ms;
  return { ms: median(times), staticMs, rows };
}

/** 10,000 new messages arriving by sync, in pages of 500 as /me/sync sends them, after what is stored. */
async function timeIngest(total: number, count: number): Promise<{ applyEvents: number; bareBulkPut: number }> {
  const start = performance.now();
  for (let from = 0; from < count; from += 500) await applyEvents(events(total + from, 500, total + count, total + from + 1));
  const applied = performance.now() - start;
  // Reference floor: the same rows written with one bulkPut per page and nothing else.
  const rows = (await db.messages.where('id').aboveOrEqual(`m${String(total).padStart(7, '0')}`).toArray()).map((row) => ({ ...row, id: `x${row.id}` }));
  const bulkStart = performance.now();
  for (let from = 0; from < rows.length; from += 500) await db.messages.bulkPut(rows.slice(from, from + 500));
  const bulk = performance.now() - bulkStart;
  await db.messages.where('id').startsWith('x').delete();
  return { applyEvents: applied, bareBulkPut: bulk };
}

/** What the header and app badge re-run on every change: the unread counts (threads, messages) and the next unread expiry. */
async function timeUnread(runs: number): Promise<{ ms: number; threads: number; messages: number }> {
  const times: number[] = [];
  let threads = 0;
  let messages = 0;
  for (let run = 0; run < runs; run += 1) {
    const start = performance.now();
    [threads, messages] = await Promise.all([countUnreadThreads(NOW), countUnread(NOW), nextUnreadExpiry(NOW)]);
    times.push(performance.now() - start);
  }
  return { ms: median(times), threads, messages };
}

(globalThis as Record<string, unknown>)['inboxBench'] = { seed, timeIndexed, timeNaive, timeIngest, timeUnread, timeSmart };
