import type { Message } from '../../shared/message.schema.js';
import type { SyncEvent } from '../../shared/event.schema.js';

export interface MerchantRecord {
  id: string;
  name: string;
  createdAt: string;
}

export interface StoredMessage {
  message: Message;
  merchantId: string;
  recipients: number;
}

/** An event appended for one shopper, as the bus carries it after commit. */
export interface AppendedEvent {
  userId: string;
  event: SyncEvent;
}

/**
 * Everything the server keeps. Implementations: SQLite (embedded default);
 * PostgreSQL follows behind the same interface. All methods are async so a
 * networked store fits without changing callers; each write is one
 * transaction that is durable when the promise resolves.
 */
export interface Store {
  readonly kind: string;
  close(): Promise<void>;
  /** Cheap round trip for /healthz. */
  ping(): Promise<void>;

  /** Returns the stored value, storing `value` first if the key is absent (first writer wins). */
  getOrInitSetting(key: string, value: string): Promise<string>;

  createMerchant(merchant: MerchantRecord & { keyHash: string }): Promise<void>;
  findMerchantByKeyHash(keyHash: string): Promise<MerchantRecord | undefined>;

  /**
   * Stores the message and appends one `message` event to each recipient's
   * log, all in one transaction. Returns the appended events.
   */
  insertMessage(message: Message, merchantId: string, userIds: readonly string[]): Promise<AppendedEvent[]>;
  getMessage(id: string): Promise<StoredMessage | undefined>;

  /** Events of one shopper with seq > afterSeq, oldest first. */
  readEvents(userId: string, afterSeq: number, limit: number): Promise<SyncEvent[]>;
}
