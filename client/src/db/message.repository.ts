import { Dexie } from 'dexie';
import type { Message } from '../../../shared/message.schema.js';
import { db, type StoredMessage } from './db.js';

/** Position of a message in newest-first order: the `[createdAtMs+id]` key. */
export type MessageKey = [createdAtMs: number, id: string];

export function keyOf(message: StoredMessage): MessageKey {
  return [message.createdAtMs, message.id];
}

export interface MessagePage {
  messages: StoredMessage[];
  /** True when older visible messages exist past the last one returned. */
  more: boolean;
}

function isVisible(message: StoredMessage, now: number): boolean {
  return message.expiresAtMs === undefined || message.expiresAtMs > now;
}

/**
 * Newest-first page of visible messages strictly older than `before` (or the
 * newest page without it). Keyset paging on the compound index: the cost is
 * that of the page, however many messages the inbox holds. Expired messages
 * are skipped while walking the index; a pruner may delete them later.
 */
export async function listNewest(options: {
  limit: number;
  before?: MessageKey;
  now: number;
}): Promise<MessagePage> {
  const range = options.before
    ? db.messages.where('[createdAtMs+id]').below(options.before)
    : db.messages.orderBy('[createdAtMs+id]');
  const rows = await range
    .reverse()
    .filter((message) => isVisible(message, options.now))
    .limit(options.limit + 1)
    .toArray();
  return { messages: rows.slice(0, options.limit), more: rows.length > options.limit };
}

/**
 * Every visible message from the newest down to `floor` inclusive. The inbox
 * watches this range live once the shopper has paged past the first page, so
 * new arrivals and read changes show anywhere in what is on screen.
 */
export function listDownTo(floor: MessageKey, now: number): Promise<StoredMessage[]> {
  return db.messages
    .where('[createdAtMs+id]')
    .aboveOrEqual(floor)
    .reverse()
    .filter((message) => isVisible(message, now))
    .toArray();
}

/** Whether any visible message sorts below `key`: "is there a next page?". */
export async function hasOlderThan(key: MessageKey, now: number): Promise<boolean> {
  const older = await db.messages
    .where('[createdAtMs+id]')
    .below(key)
    .reverse()
    .filter((message) => isVisible(message, now))
    .first();
  return older !== undefined;
}

/** Unread and not expired, from two index counts (no scan of the messages). */
export async function countUnread(now: number): Promise<number> {
  const [unread, expiredUnread] = await Promise.all([
    db.messages.where('read').equals(0).count(),
    db.messages.where('[read+expiresAtMs]').between([0, Dexie.minKey], [0, now], true, true).count(),
  ]);
  return unread - expiredUnread;
}

export async function setRead(id: string, read: boolean): Promise<void> {
  await db.messages.update(id, { read: read ? 1 : 0 });
}

/**
 * Stores a message delivered by event `seq`. The same message arriving again
 * with an older or equal seq is a replay and changes nothing; with a newer seq
 * it refreshes the content while local fields such as `read` survive. Call
 * inside the caller's transaction.
 */
export async function upsertFromEvent(message: Message, seq: number, receivedAt: string): Promise<void> {
  const existing = await db.messages.get(message.id);
  if (existing && existing.seq >= seq) return;
  await db.messages.put(toStored(message, seq, existing, receivedAt));
}

/** Seq of a message the service worker stored from a push: no event of the log has written it yet. */
export const PUSHED_SEQ = 0;

/**
 * Stores a message that arrived by Web Push, outside the event log. A copy
 * the log already wrote (seq above PUSHED_SEQ) is authoritative and left as
 * it is; another pushed copy is refreshed (e.g. a truncated one by the whole
 * message). `read` survives either way. The cursor is not touched: the log's
 * event for this message arrives later, `upsertFromEvent` sees a higher seq,
 * refreshes the content and keeps `read`. Returns whether the message was new
 * on this device.
 */
export function storePushedMessage(message: Message, receivedAt: string): Promise<boolean> {
  return db.transaction('rw', db.messages, async () => {
    const existing = await db.messages.get(message.id);
    if (existing && existing.seq > PUSHED_SEQ) return false;
    await db.messages.put(toStored(message, PUSHED_SEQ, existing, receivedAt));
    return existing === undefined;
  });
}

/** The row for `message` as written by `seq`; local fields of an existing row survive. */
function toStored(message: Message, seq: number, existing: StoredMessage | undefined, receivedAt: string): StoredMessage {
  const stored: StoredMessage = {
    ...message,
    seq,
    read: existing?.read ?? 0,
    receivedAt: existing?.receivedAt ?? receivedAt,
    createdAtMs: Date.parse(message.createdAt),
  };
  if (message.expiresAt !== undefined) stored.expiresAtMs = Date.parse(message.expiresAt);
  return stored;
}
