import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { messageSchema, type Message } from '../../../shared/message.schema.js';
import type { SyncEvent } from '../../../shared/event.schema.js';
import type {
  AppendedEvent,
  ClaimedPushJob,
  MerchantRecord,
  NewMerchant,
  PushJobOutcome,
  PushSubscriptionRecord,
  SavePushSubscriptionResult,
  Store,
  StoredEvent,
  StoredMessage,
  MessageStatesResult,
  MessageStateUpdate,
  StoredPreferences,
  WalStats,
} from '../store.js';
import type { MessageState } from '../../../shared/message-state-merge.js';
import { MERCHANT_COLUMNS, toClaimedJobs, toEvent, toMerchant, toStoredEvent, toStoredMessage, toSubscription } from '../store-rows.js';
import type { LeasedJobRow, MerchantRow, MessageCountsRow, ReadEventRow, ReadEventTuple, SubscriptionRow } from '../store-rows.js';
import { Checkpointer } from './checkpointer.js';
import { GroupCommit } from './group-commit.js';
import { SqliteLifecycle } from './sqlite-lifecycle.js';
import { ShopperStateTables } from './shopper-state-tables.js';
import { SQLITE_MIGRATIONS } from './migrations.js';
import { SqliteEventOutbox } from './sqlite-event-outbox.js';
import { SqliteDeliveryStats } from './sqlite-delivery-stats.js';

const READ_EVENTS_SQL = `SELECT e.seq, e.kind, e.message_id, m.message_json, e.payload_json FROM events e
  LEFT JOIN messages m ON m.id = e.message_id
  WHERE e.user_id = ? AND e.seq > ? ORDER BY e.seq LIMIT ?`;

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


/** The embedded default: one SQLite file in WAL mode, fsync on every commit. */
export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  private readonly db: Database.Database;
  private readonly statements;
  private readonly groupCommit: GroupCommit;
  private readonly checkpointer: Checkpointer | undefined;
  readonly lifecycle: SqliteLifecycle;
  private readonly shopperState: ShopperStateTables;
  readonly webhooks: SqliteEventOutbox;
  readonly stats: SqliteDeliveryStats;

  static open(dataDir: string, logger?: Logger): SqliteStore {
    fs.mkdirSync(dataDir, { recursive: true });
    return new SqliteStore(path.join(dataDir, SQLITE_FILE_NAME), logger);
  }

  constructor(file: string, logger?: Logger) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // FULL: a 202 promises the message survives power loss, not only a crash.
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db);
    // A database in memory has no WAL (and no second connection could open it).
    this.checkpointer =
      file === ':memory:'
        ? undefined
        : new Checkpointer(this.db, file, logger ? { onProblem: (message) => logger.warn({ file }, message) } : {});
    this.groupCommit = new GroupCommit(this.db);
    this.webhooks = new SqliteEventOutbox(this.db);
    this.stats = new SqliteDeliveryStats(this.db);
    this.lifecycle = new SqliteLifecycle(this.db, this.groupCommit, this.webhooks);
    const bumpSeq = this.db.prepare<[string], { last_seq: number }>(
      `INSERT INTO shoppers (user_id, last_seq) VALUES (?, 1)
       ON CONFLICT (user_id) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq`,
    );
    const insertPayloadEvent = this.db.prepare<[string, number, string, string, string]>(
      'INSERT INTO events (user_id, seq, kind, payload_json, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    this.shopperState = new ShopperStateTables(this.db, (userId, kind, payloadJson) => {
      const seq = bumpSeq.get(userId)!.last_seq;
      insertPayloadEvent.run(userId, seq, kind, payloadJson, new Date().toISOString());
      return seq;
    }, this.webhooks);
    this.statements = {
      getSetting: this.db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?'),
      insertSetting: this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING'),
      insertMerchant: this.db.prepare<[{ id: string; name: string; role: string; keyHash: string; createdAt: string }]>(
        'INSERT INTO merchants (id, name, role, key_hash, created_at) VALUES (@id, @name, @role, @keyHash, @createdAt)',
      ),
      findMerchant: this.db.prepare<[string], MerchantRow>(`SELECT ${MERCHANT_COLUMNS} FROM merchants WHERE key_hash = ?`),
      listMerchants: this.db.prepare<[], MerchantRow>(`SELECT ${MERCHANT_COLUMNS} FROM merchants ORDER BY created_at, id`),
      revokeMerchant: this.db.prepare<[string, string], MerchantRow>(
        `UPDATE merchants SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? RETURNING ${MERCHANT_COLUMNS}`,
      ),
      getMessage: this.db.prepare<[string], MessageCountsRow>(
        `SELECT message_json, merchant_id, recipients, push_targets, pushed, push_failed, push_skipped
         FROM messages WHERE id = ?`,
      ),
      getMessageForRecipient: this.db.prepare<[string, string], { message_json: string }>(
        `SELECT m.message_json FROM events e JOIN messages m ON m.id = e.message_id
         WHERE e.message_id = ? AND e.user_id = ? LIMIT 1`,
      ),
      upsertSubscription: this.db.prepare(
        `INSERT INTO push_subscriptions (endpoint, user_id, p256dh, auth, expiration_time, created_at, updated_at)
         VALUES (@endpoint, @userId, @p256dh, @auth, @expirationTime, @now, @now)
         ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh,
           auth = excluded.auth, expiration_time = excluded.expiration_time, updated_at = excluded.updated_at
         -- In the same statement as the write, so no concurrent re-post slips between check and move.
         WHERE push_subscriptions.user_id = excluded.user_id
           OR (push_subscriptions.p256dh = excluded.p256dh AND push_subscriptions.auth = excluded.auth)`,
      ),
      // The subscription just saved sorts first, so a tie on updated_at never evicts it.
      subscriptionsBeyondCap: this.db.prepare<[string, string, number], { endpoint: string }>(
        `SELECT endpoint FROM push_subscriptions WHERE user_id = ?
         ORDER BY (endpoint = ?) DESC, updated_at DESC, endpoint LIMIT -1 OFFSET ?`,
      ),
      countSubscriptions: this.db.prepare<[string], { n: number }>(
        'SELECT COUNT(*) AS n FROM push_subscriptions WHERE user_id = ?',
      ),
      deleteSubscription: this.db.prepare<[string]>('DELETE FROM push_subscriptions WHERE endpoint = ?'),
      deleteOwnSubscription: this.db.prepare<[string, string]>(
        'DELETE FROM push_subscriptions WHERE endpoint = ? AND user_id = ?',
      ),
      listSubscriptions: this.db.prepare<[string], SubscriptionRow>(
        'SELECT * FROM push_subscriptions WHERE user_id = ? ORDER BY updated_at DESC, endpoint',
      ),
      // One statement leases the whole batch; the subscriptions are read in a second.
      leaseDueJobs: this.db.prepare<[number, number, number], LeasedJobRow>(
        `UPDATE push_jobs SET due_at = ?, attempts = attempts + 1
         WHERE id IN (SELECT id FROM push_jobs WHERE due_at <= ? ORDER BY due_at LIMIT ?)
         RETURNING id, message_id, user_id, endpoint, attempts - 1 AS attempts, summary_json`,
      ),
      subscriptionsByEndpoint: this.db.prepare<[string], SubscriptionRow>(
        'SELECT * FROM push_subscriptions WHERE endpoint IN (SELECT value FROM json_each(?))',
      ),
      retryJob: this.db.prepare<[number, number]>('UPDATE push_jobs SET due_at = ? WHERE id = ?'),
      // The claim counted an attempt that was not made.
      postponeJob: this.db.prepare<[number, number]>('UPDATE push_jobs SET due_at = ?, attempts = attempts - 1 WHERE id = ?'),
      deleteJobs: this.db.prepare<[string], { message_id: string; user_id: string; summary: number }>(
        'DELETE FROM push_jobs WHERE id IN (SELECT value FROM json_each(?)) RETURNING message_id, user_id, summary_json IS NOT NULL AS summary',
      ),
      countPushed: this.db.prepare<[number, string]>('UPDATE messages SET pushed = pushed + ? WHERE id = ?'),
      countFailed: this.db.prepare<[number, string]>('UPDATE messages SET push_failed = push_failed + ? WHERE id = ?'),
      countSkipped: this.db.prepare<[number, string]>('UPDATE messages SET push_skipped = push_skipped + ? WHERE id = ?'),
      syncNormal: this.db.prepare('PRAGMA synchronous = NORMAL'),
      syncFull: this.db.prepare('PRAGMA synchronous = FULL'),
      readEvents: this.db.prepare<[string, number, number], ReadEventRow>(READ_EVENTS_SQL),
      readStoredEvents: this.db.prepare<[string, number, number], ReadEventTuple>(READ_EVENTS_SQL).raw(),
    };
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    this.db.close();
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async walStats(): Promise<WalStats> {
    // In memory there is no WAL and no thread; a thread that does not answer reads as stopped too.
    const thread = await this.checkpointer?.stats().catch(() => undefined);
    return {
      bytes: walFileSize(this.db.name),
      checkpoints: thread?.passes ?? 0,
      checkpointFailures: thread?.failed ?? 0,
      checkpointFailing: thread?.failing ?? false,
      checkpointThreadUp: thread !== undefined,
    };
  }

  async getOrInitSetting(key: string, value: string): Promise<string> {
    this.statements.insertSetting.run(key, value);
    return this.statements.getSetting.get(key)!.value;
  }

  async createMerchant(merchant: NewMerchant): Promise<void> {
    const { id, name, keyHash, createdAt } = merchant;
    this.statements.insertMerchant.run({ id, name, keyHash, createdAt, role: merchant.role ?? 'platform' });
  }

  async findMerchantByKeyHash(keyHash: string): Promise<MerchantRecord | undefined> {
    const row = this.statements.findMerchant.get(keyHash);
    return row && toMerchant(row);
  }

  async listMerchants(): Promise<MerchantRecord[]> {
    return this.statements.listMerchants.all().map(toMerchant);
  }

  async revokeMerchant(id: string, at: string): Promise<MerchantRecord | undefined> {
    const row = this.statements.revokeMerchant.get(at, id);
    return row && toMerchant(row);
  }

  async getMessageForRecipient(id: string, userId: string): Promise<Message | undefined> {
    const row = this.statements.getMessageForRecipient.get(id, userId);
    return row && messageSchema.parse(JSON.parse(row.message_json));
  }

  async savePushSubscription(
    subscription: Omit<PushSubscriptionRecord, 'createdAt' | 'updatedAt'>,
    now: string,
    maxPerUser: number,
  ): Promise<SavePushSubscriptionResult> {
    return this.db.transaction((): SavePushSubscriptionResult => {
      // No row written: the endpoint is another shopper's and the keys differ.
      if (this.statements.upsertSubscription.run({ ...subscription, now }).changes === 0) {
        return { conflict: 'held-by-another-shopper' };
      }
      const beyond = this.statements.subscriptionsBeyondCap.all(subscription.userId, subscription.endpoint, maxPerUser);
      for (const { endpoint } of beyond) this.statements.deleteSubscription.run(endpoint);
      return { devices: this.statements.countSubscriptions.get(subscription.userId)!.n, evicted: beyond.length };
    })();
  }

  async deletePushSubscription(userId: string, endpoint: string): Promise<boolean> {
    return this.statements.deleteOwnSubscription.run(endpoint, userId).changes > 0;
  }

  async listPushSubscriptions(userId: string): Promise<PushSubscriptionRecord[]> {
    return this.statements.listSubscriptions.all(userId).map(toSubscription);
  }

  async claimPushJobs(now: number, leaseMs: number, limit: number): Promise<ClaimedPushJob[]> {
    return this.withoutFsync(() => {
      const leased = this.statements.leaseDueJobs.all(now + leaseMs, now, limit);
      if (leased.length === 0) return [];
      const subscriptions = new Map(
        this.statements.subscriptionsByEndpoint
          .all(JSON.stringify(leased.map((job) => job.endpoint)))
          .map((row) => [row.endpoint, toSubscription(row)]),
      );
      const { claimed, orphans } = toClaimedJobs(leased, subscriptions);
      this.settle(orphans);
      return claimed;
    });
  }

  async settlePushJobs(outcomes: readonly PushJobOutcome[]): Promise<void> {
    this.withoutFsync(() => this.settle(outcomes));
  }

  /** Applies outcomes inside the caller's transaction: one delete per kind, one count update per message and kind. */
  private settle(outcomes: readonly PushJobOutcome[]): void {
    const done = { pushed: [] as number[], failed: [] as number[], skipped: [] as number[] };
    for (const outcome of outcomes) {
      switch (outcome.kind) {
        case 'retry':
          this.statements.retryJob.run(outcome.dueAt, outcome.id);
          break;
        case 'postponed':
          this.statements.postponeJob.run(outcome.dueAt, outcome.id);
          break;
        case 'gone':
          this.statements.deleteSubscription.run(outcome.endpoint);
          done.failed.push(outcome.id);
          break;
        default:
          done[outcome.kind].push(outcome.id);
      }
    }
    const count = { pushed: this.statements.countPushed, failed: this.statements.countFailed, skipped: this.statements.countSkipped };
    const settled = { pushed: [] as { messageId: string; userId: string }[], failed: [] as { messageId: string; userId: string }[] };
    for (const kind of ['pushed', 'failed', 'skipped'] as const) {
      if (done[kind].length === 0) continue;
      // Jobs already settled (by whoever held them last) are not returned, so never counted twice.
      const perMessage = new Map<string, number>();
      for (const { message_id, user_id, summary } of this.statements.deleteJobs.all(JSON.stringify(done[kind]))) {
        // A held push summary's retry is none of its message's pushes: no count, no event.
        if (summary) continue;
        perMessage.set(message_id, (perMessage.get(message_id) ?? 0) + 1);
        if (kind !== 'skipped') settled[kind].push({ messageId: message_id, userId: user_id });
      }
      for (const [messageId, n] of perMessage) count[kind].run(n, messageId);
    }
    // Issue 10: the events of these outcomes, in the same transaction.
    this.webhooks.recordPushOutcomes(settled.pushed, settled.failed);
  }

  /**
   * Runs one transaction with synchronous=NORMAL: committed to the WAL, which
   * survives a process crash, but not fsynced (the next FULL commit or
   * checkpoint syncs it). Only for push-queue bookkeeping, where losing a
   * commit to power loss means a job is sent again, never lost; an fsync per
   * claim and per settle would otherwise cost more than the pushes themselves.
   * Safe to switch per transaction: better-sqlite3 is synchronous, so nothing
   * else runs on this connection in between.
   */
  private withoutFsync<T>(fn: () => T): T {
    this.statements.syncNormal.run();
    try {
      return this.db.transaction(fn)();
    } finally {
      this.statements.syncFull.run();
    }
  }

  async getMessage(id: string): Promise<StoredMessage | undefined> {
    const row = this.statements.getMessage.get(id);
    return row && toStoredMessage(row);
  }

  async applyMessageStates(userId: string, changes: readonly MessageStateUpdate[]): Promise<MessageStatesResult> {
    return this.groupCommit.run(() => this.shopperState.applyMessageStates(userId, changes));
  }

  async getMessageState(userId: string, messageId: string): Promise<MessageState | undefined> {
    return this.shopperState.getMessageState(userId, messageId);
  }

  async getPreferences(userId: string): Promise<StoredPreferences | undefined> {
    return this.shopperState.getPreferences(userId);
  }

  async savePreferences(
    userId: string,
    update: StoredPreferences,
  ): Promise<{ current: StoredPreferences; appended?: AppendedEvent }> {
    return this.groupCommit.run(() => this.shopperState.savePreferences(userId, update));
  }

  async readEvents(userId: string, afterSeq: number, limit: number): Promise<SyncEvent[]> {
    return this.statements.readEvents.all(userId, afterSeq, limit).map(toEvent);
  }

  async readStoredEvents(userId: string, afterSeq: number, limit: number): Promise<StoredEvent[]> {
    return this.statements.readStoredEvents.all(userId, afterSeq, limit).map(toStoredEvent);
  }
}

/** The size of the database's WAL file, 0 when there is none (in memory, or before the first write). */
function walFileSize(file: string): number {
  try {
    return fs.statSync(`${file}-wal`).size;
  } catch {
    return 0;
  }
}
