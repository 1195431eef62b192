import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { messageSchema, type Message } from '../../../shared/message.schema.js';
import type { SyncEvent } from '../../../shared/event.schema.js';
import type { AppendedEvent, MerchantRecord, Store, StoredMessage } from '../store.js';
import { SQLITE_MIGRATIONS } from './migrations.js';

export const SQLITE_FILE_NAME = 'tidings.sqlite';

/** Runs pending migrations in one transaction each; refuses a database newer than this code. */
function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SQLITE_MIGRATIONS.length) {
    throw new Error(
      `database schema version ${current} is newer than this Tidings (knows ${SQLITE_MIGRATIONS.length}); upgrade Tidings`,
    );
  }
  for (let version = current; version < SQLITE_MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(SQLITE_MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}

interface EventRow {
  seq: number;
  kind: string;
  message_json: string | null;
}

/** The embedded default: one SQLite file in WAL mode, fsync on every commit. */
export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  private readonly db: Database.Database;
  private readonly statements;

  static open(dataDir: string): SqliteStore {
    fs.mkdirSync(dataDir, { recursive: true });
    return new SqliteStore(path.join(dataDir, SQLITE_FILE_NAME));
  }

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // FULL: a 202 promises the message survives power loss, not only a crash.
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db);
    this.statements = {
      getSetting: this.db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?'),
      insertSetting: this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING'),
      insertMerchant: this.db.prepare(
        'INSERT INTO merchants (id, name, key_hash, created_at) VALUES (@id, @name, @keyHash, @createdAt)',
      ),
      findMerchant: this.db.prepare<[string], { id: string; name: string; created_at: string }>(
        'SELECT id, name, created_at FROM merchants WHERE key_hash = ?',
      ),
      insertMessage: this.db.prepare(
        'INSERT INTO messages (id, merchant_id, message_json, recipients, created_at) VALUES (?, ?, ?, ?, ?)',
      ),
      getMessage: this.db.prepare<[string], { message_json: string; merchant_id: string; recipients: number }>(
        'SELECT message_json, merchant_id, recipients FROM messages WHERE id = ?',
      ),
      bumpSeq: this.db.prepare<[string], { last_seq: number }>(
        `INSERT INTO shoppers (user_id, last_seq) VALUES (?, 1)
         ON CONFLICT (user_id) DO UPDATE SET last_seq = last_seq + 1
         RETURNING last_seq`,
      ),
      insertEvent: this.db.prepare(
        'INSERT INTO events (user_id, seq, kind, message_id, created_at) VALUES (?, ?, ?, ?, ?)',
      ),
      readEvents: this.db.prepare<[string, number, number], EventRow>(
        `SELECT e.seq, e.kind, m.message_json FROM events e
         LEFT JOIN messages m ON m.id = e.message_id
         WHERE e.user_id = ? AND e.seq > ? ORDER BY e.seq LIMIT ?`,
      ),
    };
  }

  async close(): Promise<void> {
    this.db.close();
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async getOrInitSetting(key: string, value: string): Promise<string> {
    this.statements.insertSetting.run(key, value);
    return this.statements.getSetting.get(key)!.value;
  }

  async createMerchant(merchant: MerchantRecord & { keyHash: string }): Promise<void> {
    this.statements.insertMerchant.run(merchant);
  }

  async findMerchantByKeyHash(keyHash: string): Promise<MerchantRecord | undefined> {
    const row = this.statements.findMerchant.get(keyHash);
    return row && { id: row.id, name: row.name, createdAt: row.created_at };
  }

  async insertMessage(message: Message, merchantId: string, userIds: readonly string[]): Promise<AppendedEvent[]> {
    const unique = [...new Set(userIds)];
    return this.db.transaction(() => {
      this.statements.insertMessage.run(
        message.id,
        merchantId,
        JSON.stringify(message),
        unique.length,
        message.createdAt,
      );
      return unique.map((userId): AppendedEvent => {
        const seq = this.statements.bumpSeq.get(userId)!.last_seq;
        this.statements.insertEvent.run(userId, seq, 'message', message.id, message.createdAt);
        return { userId, event: { seq, kind: 'message', message } };
      });
    })();
  }

  async getMessage(id: string): Promise<StoredMessage | undefined> {
    const row = this.statements.getMessage.get(id);
    if (!row) return undefined;
    return {
      message: messageSchema.parse(JSON.parse(row.message_json)),
      merchantId: row.merchant_id,
      recipients: row.recipients,
    };
  }

  async readEvents(userId: string, afterSeq: number, limit: number): Promise<SyncEvent[]> {
    return this.statements.readEvents.all(userId, afterSeq, limit).map((row) => toEvent(row));
  }
}

function toEvent(row: EventRow): SyncEvent {
  if (row.kind === 'message' && row.message_json !== null) {
    return { seq: row.seq, kind: 'message', message: JSON.parse(row.message_json) as Message };
  }
  throw new Error(`event ${row.seq} has unknown kind ${row.kind}`);
}
