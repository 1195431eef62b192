import { Dexie } from 'dexie';
import type { Message } from '../../../shared/message.schema.js';
import { rankOf } from '../../../shared/inbox/ordering.js';
import { threadHead, threadKeyOf } from '../../../shared/inbox/thread.js';
import { BOX, boxOf, db, type StoredMessage } from './db.js';

/**
 * Writes of messages. Every write that changes a message's box, time or
 * thread ends with `refreshThreadHeads`, so the stored `head` flag that the
 * inbox index relies on is never stale. Call inside the caller's transaction
 * (messages + retracted tables) where several writes must land together.
 */

/** Unread in the inbox and not expired, from two index counts (no scan of the messages). */
export async function countUnread(now: number): Promise<number> {
  const [unread, expiredUnread] = await Promise.all([
    db.messages.where('[box+read]').equals([BOX.inbox, 0]).count(),
    db.messages
      .where('[box+read+expiresAtMs]')
      .between([BOX.inbox, 0, Dexie.minKey], [BOX.inbox, 0, now], true, true)
      .count(),
  ]);
  return unread - expiredUnread;
}

/**
 * Recomputes which message heads each of the given threads, per box. A thread
 * is small (an order's few steps), so reading it whole is cheap; messages
 * without a collapseKey are their own thread and always head it.
 */
export async function refreshThreadHeads(threadKeys: Iterable<string>): Promise<void> {
  // A message without a collapseKey heads its own thread in whatever box (set in toStored).
  const keys = [...new Set(threadKeys)].filter((key) => key.startsWith('c:'));
  // All reads issued at once: IndexedDB pipelines them within the transaction.
  const threads = await Promise.all(
    keys.map((key) => db.messages.where('[threadKey+createdAtMs]').between([key, Dexie.minKey], [key, Dexie.maxKey]).toArray()),
  );
  const changed: StoredMessage[] = [];
  for (const rows of threads) {
    const heads = new Set<string>();
    for (const box of [BOX.inbox, BOX.archive, BOX.deleted]) {
      const head = threadHead(rows.filter((row) => row.box === box));
      if (head) heads.add(head.id);
    }
    for (const row of rows) {
      const head = heads.has(row.id) ? 1 : 0;
      if (row.head !== head) changed.push({ ...row, head });
    }
  }
  if (changed.length > 0) await db.messages.bulkPut(changed);
}

/**
 * Stores messages delivered by events, in seq order. A message arriving
 * again with an older or equal seq is a replay and changes nothing; with a
 * newer seq it refreshes the content while local state (read, archived,
 * deleted and their stamps) survives. A retracted message stays gone. Reads
 * and writes go in bulk (one request each, not one per message), which is
 * what makes a 10,000-message catch-up fast. Returns the threads to refresh;
 * the caller refreshes heads once per batch (see applyEvents).
 */
export async function upsertFromEvents(items: readonly { message: Message; seq: number }[], receivedAt: string): Promise<string[]> {
  const ids = items.map((item) => item.message.id);
  const [retracted, existing] = await Promise.all([db.retracted.bulkGet(ids), db.messages.bulkGet(ids)]);
  // The same id twice in one batch: the later seq wins, as if applied one by one.
  const latest = new Map<string, StoredMessage>();
  const threads: string[] = [];
  items.forEach((item, index) => {
    if (retracted[index]) return;
    const previous = latest.get(item.message.id) ?? existing[index];
    if (previous && previous.seq >= item.seq) return;
    const stored = toStored(item.message, item.seq, previous, receivedAt);
    latest.set(stored.id, stored);
    if (stored.threadKey.startsWith('c:')) threads.push(stored.threadKey);
    if (previous && previous.threadKey !== stored.threadKey && previous.threadKey.startsWith('c:')) threads.push(previous.threadKey);
  });
  await db.messages.bulkPut([...latest.values()]);
  return threads;
}

/** Seq of a message the service worker stored from a push: no event of the log has written it yet. */
export const PUSHED_SEQ = 0;

/**
 * Stores a message that arrived by Web Push, outside the event log. A copy
 * the log already wrote (seq above PUSHED_SEQ) is authoritative and left as
 * it is; another pushed copy is refreshed (e.g. a truncated one by the whole
 * message). Local state survives either way. The cursor is not touched: the
 * log's event for this message arrives later, `upsertFromEvent` sees a higher
 * seq, refreshes the content and keeps the state. Returns whether the message
 * was new on this device.
 */
export function storePushedMessage(message: Message, receivedAt: string): Promise<boolean> {
  return db.transaction('rw', db.messages, db.retracted, async () => {
    if (await db.retracted.get(message.id)) return false;
    const existing = await db.messages.get(message.id);
    if (existing && existing.seq > PUSHED_SEQ) return false;
    const stored = toStored(message, PUSHED_SEQ, existing, receivedAt);
    await db.messages.put(stored);
    await refreshThreadHeads([stored.threadKey, ...(existing ? [existing.threadKey] : [])]);
    return existing === undefined;
  });
}

/**
 * The merchant retracted a message: it leaves this device, and its id is kept
 * so that a push or a replayed event cannot store it again. Returns the
 * thread to refresh.
 */
export function retract(messageId: string): Promise<string | undefined> {
  // Its own transaction when the service worker calls it; nested in applyEvents' otherwise.
  return db.transaction('rw', [db.messages, db.retracted, db.outbox], async () => {
    await db.retracted.put({ id: messageId });
    await db.outbox.delete(messageId);
    const existing = await db.messages.get(messageId);
    if (!existing) return undefined;
    await db.messages.delete(messageId);
    return existing.threadKey;
  });
}

/** The row for `message` as written by `seq`; local fields of an existing row survive. */
function toStored(message: Message, seq: number, existing: StoredMessage | undefined, receivedAt: string): StoredMessage {
  const stored: StoredMessage = {
    ...message,
    seq,
    read: existing?.read ?? 0,
    archived: existing?.archived ?? 0,
    deleted: existing?.deleted ?? 0,
    box: BOX.inbox,
    rank: 0,
    threadKey: threadKeyOf({ id: message.id, collapseKey: message.collapseKey, inReplyTo: message.inReplyTo }),
    // Provisional for a collapsed thread (refreshThreadHeads settles it); always 1 for a message of its own.
    head: message.collapseKey ? (existing?.head ?? 1) : 1,
    receivedAt: existing?.receivedAt ?? receivedAt,
    createdAtMs: Date.parse(message.createdAt),
  };
  if (existing?.readAt) stored.readAt = existing.readAt;
  if (existing?.archivedAt) stored.archivedAt = existing.archivedAt;
  if (existing?.deletedAt) stored.deletedAt = existing.deletedAt;
  if (message.expiresAt !== undefined) stored.expiresAtMs = Date.parse(message.expiresAt);
  return withDerived(stored);
}

/** Recomputes the fields derived from others: box and rank. */
export function withDerived(row: StoredMessage): StoredMessage {
  row.box = boxOf(row);
  row.rank = rankOf(row);
  return row;
}
