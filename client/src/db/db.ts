import { Dexie, type EntityTable } from 'dexie';
import type { Message } from '../../../shared/message.schema.js';

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
  receivedAt: string;
  createdAtMs: number;
  expiresAtMs?: number;
}

/** The small key/value rows of the local session and sync state. */
export interface MetaRow {
  key: MetaKey;
  value: unknown;
}
export type MetaKey = 'session' | 'owner' | 'cursor';

export type TidingsDb = Dexie & {
  messages: EntityTable<StoredMessage, 'id'>;
  meta: EntityTable<MetaRow, 'key'>;
};

export const DB_NAME = 'tidings';

/**
 * The one schema, shared by the page and the service worker so that a message
 * stored by either lands in the same tables. Add versions, never edit one that
 * has shipped: browsers upgrade from whatever version they hold.
 *
 * - `[createdAtMs+id]`: newest-first listing with keyset paging (id breaks ties).
 * - `read`: unread count straight from the index.
 * - `[read+expiresAtMs]`: unread messages that have expired, to subtract from
 *   the unread count without scanning (messages without expiry are not in it).
 */
export function openDb(name: string = DB_NAME): TidingsDb {
  const db = new Dexie(name) as TidingsDb;
  db.version(1).stores({
    messages: 'id, [createdAtMs+id], read, [read+expiresAtMs]',
    meta: 'key',
  });
  return db;
}

export const db = openDb();
