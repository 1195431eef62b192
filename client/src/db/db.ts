import { Dexie, type EntityTable, type Transaction } from 'dexie';
import type { Message } from '../../../shared/message.schema.js';
import { rankOf } from '../../../shared/inbox/ordering.js';
import { threadHead, threadKeyOf } from '../../../shared/inbox/thread.js';

/** Which list a message is in: IndexedDB cannot index booleans, and one small number keys three lists. */
export const BOX = { inbox: 0, archive: 1, deleted: 2 } as const;
export type Box = (typeof BOX)[keyof typeof BOX];

/**
 * A message as the inbox keeps it: the wire message plus local fields.
 * `createdAtMs`/`expiresAtMs` are numeric copies of the ISO instants because
 * index order must be time order, and ISO strings of different precision
 * ("…00Z" vs "…00.5Z") do not sort lexically by time.
 */
export interface StoredMessage extends Message {
  /** Seq of the event that last wrote this message; 0 while only a push has (see storePushedMessage). */
  seq: number;
  /** 0/1 rather than boolean: IndexedDB cannot index booleans. */
  read: 0 | 1;
  archived: 0 | 1;
  /** Deleted rows stay as tombstones so an older state change cannot bring them back. */
  deleted: 0 | 1;
  /** When each state field was last set, by any device (ISO): per-field last-writer-wins. */
  readAt?: string;
  archivedAt?: string;
  deletedAt?: string;
  /** Derived from archived/deleted (see boxOf). */
  box: Box;
  /** "Priority, then time" key (shared/inbox/ordering.ts); depends on priority, createdAt and read. */
  rank: number;
  /** collapseKey or own id (shared/inbox/thread.ts). */
  threadKey: string;
  /** 1 for the newest message of its thread within its box: the row the inbox lists. */
  head: 0 | 1;
  receivedAt: string;
  createdAtMs: number;
  expiresAtMs?: number;
}

/** The small key/value rows of the local session and sync state. */
export interface MetaRow {
  key: MetaKey;
  value: unknown;
}
export type MetaKey = 'session' | 'owner' | 'cursor' | 'preferences' | 'preferencesPending' | 'smartInbox';

/** A local state change waiting for `POST /me/state`; one row per message, fields merged by LWW. */
export interface OutboxRow {
  messageId: string;
  state: Partial<Record<'read' | 'archived' | 'deleted', { value: boolean; at: string }>>;
}

/** A message the merchant retracted: it must not come back from a push or a stale event. */
export interface RetractedRow {
  id: string;
}

/** Why an event of the log was passed over instead of applied. */
export type SkipReason =
  /** It does not match the shared schema: a kind or shape this version does not know, or a broken one. */
  | 'unreadable'
  /** Validating it threw (e.g. nesting too deep for the stack): treated like unreadable. */
  | 'parse-failed'
  /** It was valid, but storing it failed (e.g. IndexedDB could not clone it). */
  | 'apply-failed'
  /** The server could not read it back from its own log (a damaged row) and said so. */
  | 'unavailable';

/**
 * An event of the log this device passed over so that later ones could be
 * applied: kept so the shopper can be told and whoever debugs can see which.
 */
export interface SkippedRow {
  seq: number;
  /** The event's `kind` when it could be read ('message', 'state', or one a newer server added). */
  kind?: string;
  messageId?: string;
  reason: SkipReason;
  /** When this device skipped it (ISO). */
  at: string;
  /** 1 while the inbox should mention it: a message the shopper will not see, not yet dismissed. */
  visible: 0 | 1;
}

export type TidingsDb = Dexie & {
  messages: EntityTable<StoredMessage, 'id'>;
  meta: EntityTable<MetaRow, 'key'>;
  outbox: EntityTable<OutboxRow, 'messageId'>;
  retracted: EntityTable<RetractedRow, 'id'>;
  skipped: EntityTable<SkippedRow, 'seq'>;
};

export const DB_NAME = 'tidings';

export function boxOf(message: Pick<StoredMessage, 'archived' | 'deleted'>): Box {
  return message.deleted === 1 ? BOX.deleted : message.archived === 1 ? BOX.archive : BOX.inbox;
}

/**
 * The one schema, shared by the page and the service worker so that a message
 * stored by either lands in the same tables. Add versions, never edit one that
 * has shipped: browsers upgrade from whatever version they hold.
 *
 * Version 2 (see docs/inbox-ordering.md for the query plan):
 * - `[box+head+createdAtMs+id]`, `[box+head+rank+id]`: inbox and archive, one
 *   row per thread, in either ordering, keyset-paged; a date range bounds the
 *   first directly.
 * - `[box+head+category+createdAtMs+id]`, `[box+head+category+rank+id]`: the
 *   same per category, so a rare category fills its page without a scan; a
 *   multi-category filter merges one walk per category.
 * - `[createdAtMs+id]`, `[rank+id]`: history (every message, threads
 *   unfolded); the few tombstones are skipped while walking.
 * - `[box+read]`, `[box+read+expiresAtMs]`: the unread count as two index
 *   counts, and "mark all read" without a scan of read rows.
 * - `[threadKey+createdAtMs]`: a thread's timeline and its head.
 *
 * Version 3: `skipped`, the events passed over because this device could not
 * read or store them (see sync/apply-events.ts); `visible` counts the notice.
 *
 * Version 4: `[box+head+read]`, `[box+head+read+expiresAtMs]`: the unread
 * count as the shopper sees it, one per thread (its head), again as two index
 * counts; the second also finds the next unread expiry for the expiry timer.
 */
export function openDb(name: string = DB_NAME): TidingsDb {
  const db = new Dexie(name) as TidingsDb;
  db.version(1).stores({
    messages: 'id, [createdAtMs+id], read, [read+expiresAtMs]',
    meta: 'key',
  });
  db.version(2)
    .stores({
      messages:
        'id, [createdAtMs+id], [rank+id], [box+head+createdAtMs+id], [box+head+rank+id], [box+head+category+createdAtMs+id], [box+head+category+rank+id], [box+read], [box+read+expiresAtMs], [threadKey+createdAtMs]',
      meta: 'key',
      outbox: 'messageId',
      retracted: 'id',
    })
    .upgrade(upgradeToV2);
  db.version(3).stores({ skipped: 'seq, visible' });
  db.version(4).stores({
    messages:
      'id, [createdAtMs+id], [rank+id], [box+head+createdAtMs+id], [box+head+rank+id], [box+head+category+createdAtMs+id], [box+head+category+rank+id], [box+read], [box+read+expiresAtMs], [box+head+read], [box+head+read+expiresAtMs], [threadKey+createdAtMs]',
  });
  return db;
}

/** v1 rows had only `read`: nothing archived or deleted, ranks and thread heads computed once. */
async function upgradeToV2(tx: Transaction): Promise<void> {
  const table = tx.table<StoredMessage, string>('messages');
  const rows = await table.toArray();
  const threads = new Map<string, StoredMessage[]>();
  for (const row of rows) {
    row.archived = 0;
    row.deleted = 0;
    row.box = BOX.inbox;
    row.rank = rankOf(row);
    row.threadKey = threadKeyOf(row);
    row.head = 0;
    const list = threads.get(row.threadKey);
    if (list) list.push(row);
    else threads.set(row.threadKey, [row]);
  }
  for (const list of threads.values()) threadHead(list)!.head = 1;
  await table.bulkPut(rows);
}

export const db = openDb();
