import pg from 'pg';
import { messageSchema, type Message } from '../../../shared/message.schema.js';
import type { SyncEvent } from '../../../shared/event.schema.js';
import type { MessageState } from '../../../shared/message-state-merge.js';
import type {
  AppendedEvent,
  ClaimedPushJob,
  MerchantRecord,
  NewMerchant,
  MessageStatesResult,
  MessageStateUpdate,
  PushJobOutcome,
  PushSubscriptionRecord,
  SavePushSubscriptionResult,
  Store,
  StoredEvent,
  StoredMessage,
  StoredPreferences,
} from '../store.js';
import { MERCHANT_COLUMNS, toClaimedJobs, toEvent, toMerchant, toStoredEvent, toStoredMessage, toSubscription } from '../store-rows.js';
import type { LeasedJobRow, MerchantRow, MessageCountsRow, ReadEventRow, ReadEventTuple, SubscriptionRow } from '../store-rows.js';
import { READ_EVENTS_SQL } from './postgres-event-log.js';
import { PostgresDeliveryStats } from './postgres-delivery-stats.js';
import { PostgresLifecycle } from './postgres-lifecycle.js';
import { PostgresShopperState } from './postgres-shopper-state.js';
import { settlePushJobs } from './postgres-push-settle.js';
import { migrate } from './migrations.js';
import { withTransaction } from './transaction.js';
import { PostgresEventOutbox } from './postgres-event-outbox.js';

export interface PostgresStoreOptions {
  connectionString: string;
  /** Connections per instance (DATABASE_POOL_SIZE); default 10. */
  poolSize?: number;
  /** Tests isolate each store in its own schema; production uses the database's default search_path. */
  schema?: string;
}

const INT8_OID = 20;
/**
 * BIGINT columns (seqs, epoch ms, ids) come back as numbers: every value the
 * store keeps is below 2^53, and callers expect numbers, as from SQLite. Set
 * per pool, not globally, so other pg users in the process are unaffected.
 */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** The store for several instances: PostgreSQL through a pool, every write one transaction. */
export class PostgresStore implements Store {
  readonly kind = 'postgres';
  readonly lifecycle: PostgresLifecycle;
  private readonly shopperState: PostgresShopperState;
  readonly webhooks: PostgresEventOutbox;
  readonly stats: PostgresDeliveryStats;

  /** Connects, migrates the schema (once across instances) and returns the store. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 10,
      types,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    // An idle connection that breaks (server restart) must not crash the process; the pool replaces it.
    pool.on('error', () => undefined);
    try {
      const client = await pool.connect();
      try {
        await migrate(client);
      } finally {
        client.release();
      }
    } catch (err) {
      await pool.end();
      throw err;
    }
    return new PostgresStore(pool);
  }

  private constructor(private readonly pool: pg.Pool) {
    this.lifecycle = new PostgresLifecycle(pool);
    this.shopperState = new PostgresShopperState();
    this.webhooks = new PostgresEventOutbox(pool);
    this.stats = new PostgresDeliveryStats(pool);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async getOrInitSetting(key: string, value: string): Promise<string> {
    const { rows } = await this.pool.query<{ value: string }>(
      `WITH ins AS (INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING value)
       SELECT value FROM ins UNION ALL SELECT value FROM settings WHERE key = $1 LIMIT 1`,
      [key, value],
    );
    // A concurrent first writer can commit between our snapshot and the conflict check: read it again.
    if (rows[0]) return rows[0].value;
    const again = await this.pool.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key]);
    return again.rows[0]!.value;
  }

  async createMerchant(merchant: NewMerchant): Promise<void> {
    await this.pool.query('INSERT INTO merchants (id, name, role, key_hash, created_at) VALUES ($1, $2, $3, $4, $5)', [
      merchant.id,
      merchant.name,
      merchant.role ?? 'platform',
      merchant.keyHash,
      merchant.createdAt,
    ]);
  }

  async findMerchantByKeyHash(keyHash: string): Promise<MerchantRecord | undefined> {
    const { rows } = await this.pool.query<MerchantRow>(`SELECT ${MERCHANT_COLUMNS} FROM merchants WHERE key_hash = $1`, [keyHash]);
    return rows[0] && toMerchant(rows[0]);
  }

  async listMerchants(): Promise<MerchantRecord[]> {
    const { rows } = await this.pool.query<MerchantRow>(`SELECT ${MERCHANT_COLUMNS} FROM merchants ORDER BY created_at, id`);
    return rows.map(toMerchant);
  }

  async revokeMerchant(id: string, at: string): Promise<MerchantRecord | undefined> {
    const { rows } = await this.pool.query<MerchantRow>(
      `UPDATE merchants SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2 RETURNING ${MERCHANT_COLUMNS}`,
      [at, id],
    );
    return rows[0] && toMerchant(rows[0]);
  }

  async getMessage(id: string): Promise<StoredMessage | undefined> {
    const { rows } = await this.pool.query<MessageCountsRow>(
      `SELECT message_json, merchant_id, recipients, push_targets, pushed, push_failed, push_skipped
       FROM messages WHERE id = $1`,
      [id],
    );
    return rows[0] && toStoredMessage(rows[0]);
  }

  async getMessageForRecipient(id: string, userId: string): Promise<Message | undefined> {
    const { rows } = await this.pool.query<{ message_json: string }>(
      `SELECT m.message_json FROM events e JOIN messages m ON m.id = e.message_id
       WHERE e.message_id = $1 AND e.user_id = $2 LIMIT 1`,
      [id, userId],
    );
    return rows[0] && messageSchema.parse(JSON.parse(rows[0].message_json));
  }

  async savePushSubscription(
    subscription: Omit<PushSubscriptionRecord, 'createdAt' | 'updatedAt'>,
    now: string,
    maxPerUser: number,
  ): Promise<SavePushSubscriptionResult> {
    return withTransaction(this.pool, async (client): Promise<SavePushSubscriptionResult> => {
      const saved = await client.query(
        `INSERT INTO push_subscriptions (endpoint, user_id, p256dh, auth, expiration_time, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)
         ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh,
           auth = excluded.auth, expiration_time = excluded.expiration_time, updated_at = excluded.updated_at
         -- In the same statement as the write, so no concurrent re-post slips between check and move.
         WHERE push_subscriptions.user_id = excluded.user_id
           OR (push_subscriptions.p256dh = excluded.p256dh AND push_subscriptions.auth = excluded.auth)`,
        [subscription.endpoint, subscription.userId, subscription.p256dh, subscription.auth, subscription.expirationTime, now],
      );
      // No row written: the endpoint is another shopper's and the keys differ.
      if (saved.rowCount === 0) return { conflict: 'held-by-another-shopper' };
      // The subscription just saved sorts first, so a tie on updated_at never evicts it.
      const evicted = await client.query(
        `DELETE FROM push_subscriptions WHERE endpoint IN (
           SELECT endpoint FROM push_subscriptions WHERE user_id = $1
           ORDER BY (endpoint = $2) DESC, updated_at DESC, endpoint OFFSET $3)`,
        [subscription.userId, subscription.endpoint, maxPerUser],
      );
      const { rows } = await client.query<{ n: number }>(
        'SELECT COUNT(*)::int AS n FROM push_subscriptions WHERE user_id = $1',
        [subscription.userId],
      );
      return { devices: rows[0]!.n, evicted: evicted.rowCount ?? 0 };
    });
  }

  async deletePushSubscription(userId: string, endpoint: string): Promise<boolean> {
    const result = await this.pool.query('DELETE FROM push_subscriptions WHERE endpoint = $1 AND user_id = $2', [endpoint, userId]);
    return (result.rowCount ?? 0) > 0;
  }

  async listPushSubscriptions(userId: string): Promise<PushSubscriptionRecord[]> {
    const { rows } = await this.pool.query<SubscriptionRow>(
      'SELECT * FROM push_subscriptions WHERE user_id = $1 ORDER BY updated_at DESC, endpoint',
      [userId],
    );
    return rows.map(toSubscription);
  }

  async claimPushJobs(now: number, leaseMs: number, limit: number): Promise<ClaimedPushJob[]> {
    return withTransaction(this.pool, async (client) => {
      // SKIP LOCKED: instances claiming at once each take different rows instead of waiting or doubling up.
      const { rows: leased } = await client.query<LeasedJobRow & { due_at: number }>(
        `WITH due AS (
           SELECT id, due_at FROM push_jobs WHERE due_at <= $2 ORDER BY due_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
         UPDATE push_jobs j SET due_at = $1, attempts = j.attempts + 1 FROM due WHERE j.id = due.id
         RETURNING j.id, j.message_id, j.user_id, j.endpoint, j.attempts - 1 AS attempts, j.summary_json, due.due_at`,
        [now + leaseMs, now, limit],
      );
      if (leased.length === 0) return [];
      leased.sort((a, b) => a.due_at - b.due_at || a.id - b.id);
      const { rows: subs } = await client.query<SubscriptionRow>(
        'SELECT * FROM push_subscriptions WHERE endpoint = ANY($1::text[])',
        [leased.map((job) => job.endpoint)],
      );
      const subscriptions = new Map(subs.map((row) => [row.endpoint, toSubscription(row)]));
      const { claimed, orphans } = toClaimedJobs(leased, subscriptions);
      await settlePushJobs(client, orphans);
      return claimed;
    });
  }

  async settlePushJobs(outcomes: readonly PushJobOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    await withTransaction(this.pool, (client) => settlePushJobs(client, outcomes));
  }

  async readEvents(userId: string, afterSeq: number, limit: number): Promise<SyncEvent[]> {
    const { rows } = await this.pool.query<ReadEventRow>(READ_EVENTS_SQL, [userId, afterSeq, limit]);
    return rows.map(toEvent);
  }

  async readStoredEvents(userId: string, afterSeq: number, limit: number): Promise<StoredEvent[]> {
    const { rows } = await this.pool.query<ReadEventTuple>({ text: READ_EVENTS_SQL, values: [userId, afterSeq, limit], rowMode: 'array' });
    return rows.map(toStoredEvent);
  }

  async applyMessageStates(userId: string, changes: readonly MessageStateUpdate[]): Promise<MessageStatesResult> {
    return withTransaction(this.pool, (client) => this.shopperState.applyMessageStates(client, userId, changes));
  }

  async getMessageState(userId: string, messageId: string): Promise<MessageState | undefined> {
    const client = await this.pool.connect();
    try {
      return await this.shopperState.getMessageState(client, userId, messageId);
    } finally {
      client.release();
    }
  }

  async getPreferences(userId: string): Promise<StoredPreferences | undefined> {
    const client = await this.pool.connect();
    try {
      return await this.shopperState.getPreferences(client, userId);
    } finally {
      client.release();
    }
  }

  async savePreferences(userId: string, update: StoredPreferences): Promise<{ current: StoredPreferences; appended?: AppendedEvent }> {
    return withTransaction(this.pool, (client) => this.shopperState.savePreferences(client, userId, update));
  }
}
