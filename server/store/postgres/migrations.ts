import type { PoolClient } from 'pg';

/**
 * Schema history of the PostgreSQL store. Append only: a released migration
 * is never edited; `schema_migrations` records which versions have run.
 *
 * Equivalent to the SQLite schema (server/store/sqlite/migrations.ts) as it
 * stands after all its migrations: epoch milliseconds and seqs are BIGINT,
 * wall-clock instants handed back to callers are ISO 8601 text (the Store
 * returns them verbatim, exactly as SQLite does), JSON bodies are TEXT so a
 * message round-trips byte for byte. user_id columns use the "C" collation so
 * the database orders shoppers exactly as the store's lock ordering does.
 */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);

  CREATE TABLE merchants (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
  );

  -- status: queued, scheduled, sending (topic fan-out running), sent, cancelled, expired, retracted, reply.
  CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants(id),
    message_json TEXT NOT NULL,
    recipients INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    push_targets INTEGER NOT NULL DEFAULT 0,
    pushed INTEGER NOT NULL DEFAULT 0,
    push_failed INTEGER NOT NULL DEFAULT 0,
    push_skipped INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'sent',
    target_json TEXT,
    delivered_live INTEGER NOT NULL DEFAULT 0,
    reply_to TEXT
  );
  CREATE INDEX messages_by_merchant_status ON messages (merchant_id, status, id);
  CREATE INDEX messages_by_reply_to ON messages (reply_to, created_at, id) WHERE reply_to IS NOT NULL;

  -- One row per shopper: the seq of the last event in their log. Bumped with
  -- INSERT … ON CONFLICT DO UPDATE inside the writing transaction: the row
  -- lock serialises writers for one shopper, so seqs commit in order and a
  -- reader that saw seq n can never later find a lower one appear.
  CREATE TABLE shoppers (
    user_id TEXT COLLATE "C" PRIMARY KEY,
    last_seq BIGINT NOT NULL
  );

  CREATE TABLE events (
    user_id TEXT COLLATE "C" NOT NULL,
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    message_id TEXT REFERENCES messages(id),
    created_at TEXT NOT NULL,
    payload_json TEXT,
    PRIMARY KEY (user_id, seq)
  );
  CREATE INDEX events_by_message ON events (message_id, user_id);

  CREATE TABLE push_subscriptions (
    endpoint TEXT PRIMARY KEY,
    user_id TEXT COLLATE "C" NOT NULL,
    p256dh TEXT NOT NULL,
    auth TEXT NOT NULL,
    expiration_time BIGINT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX push_subscriptions_by_user ON push_subscriptions (user_id, updated_at);

  -- The durable push queue; due_at (epoch ms) is both the retry time and the
  -- lease. Claimed with FOR UPDATE SKIP LOCKED so instances never share a job.
  CREATE TABLE push_jobs (
    id BIGSERIAL PRIMARY KEY,
    message_id TEXT NOT NULL REFERENCES messages(id),
    user_id TEXT COLLATE "C" NOT NULL,
    endpoint TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    due_at BIGINT NOT NULL
  );
  CREATE INDEX push_jobs_by_due ON push_jobs (due_at);
  CREATE INDEX push_jobs_by_message ON push_jobs (message_id);

  CREATE TABLE schedules (
    message_id TEXT PRIMARY KEY REFERENCES messages(id),
    due_at BIGINT NOT NULL,
    cron TEXT,
    tz TEXT,
    occurrences INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX schedules_by_due ON schedules (due_at);

  CREATE TABLE idempotency_keys (
    merchant_id TEXT NOT NULL,
    key TEXT NOT NULL,
    body_hash TEXT NOT NULL,
    response_json TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (merchant_id, key)
  );
  CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

  CREATE TABLE topic_subscriptions (
    topic TEXT NOT NULL,
    user_id TEXT COLLATE "C" NOT NULL,
    subscribed_at BIGINT NOT NULL,
    PRIMARY KEY (topic, user_id)
  );
  CREATE INDEX topic_subscriptions_by_user ON topic_subscriptions (user_id, topic);

  CREATE TABLE fanout_jobs (
    message_id TEXT PRIMARY KEY REFERENCES messages(id),
    topic TEXT NOT NULL,
    cutoff BIGINT NOT NULL,
    after_user_id TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
  );

  CREATE TABLE message_states (
    user_id TEXT COLLATE "C" NOT NULL,
    message_id TEXT NOT NULL REFERENCES messages(id),
    read BOOLEAN,
    read_at TEXT,
    archived BOOLEAN,
    archived_at TEXT,
    deleted BOOLEAN,
    deleted_at TEXT,
    PRIMARY KEY (user_id, message_id)
  );
  CREATE INDEX message_states_by_message ON message_states (message_id, read);

  CREATE TABLE shopper_preferences (
    user_id TEXT COLLATE "C" PRIMARY KEY,
    preferences_json TEXT NOT NULL,
    changed_at TEXT NOT NULL
  );
  `,
  `
  -- Issue 9: keys have a role; keys made before roles existed become platform keys (see the SQLite migration).
  ALTER TABLE merchants
    ADD COLUMN role TEXT NOT NULL DEFAULT 'platform' CHECK (role IN ('platform', 'seller')),
    ADD COLUMN revoked_at TEXT;
  `,
  `
  -- Issue 10: GET /api/v1/messages without a status pages a merchant's messages by id.
  CREATE INDEX messages_by_merchant ON messages (merchant_id, id);
  `,
  `
  -- Issue 10: events back to the shop (see the SQLite migration for the why of each table).
  CREATE TABLE webhooks (
    id TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants(id),
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    events TEXT NOT NULL,
    created_at TEXT NOT NULL,
    failing_since BIGINT,
    disabled_at TEXT,
    disabled_reason TEXT
  );
  CREATE INDEX webhooks_by_merchant ON webhooks (merchant_id, created_at);

  CREATE TABLE event_sinks (name TEXT PRIMARY KEY);

  CREATE TABLE event_outbox (
    id TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL,
    type TEXT NOT NULL,
    dedup_key TEXT NOT NULL UNIQUE,
    payload_json TEXT NOT NULL,
    created_at BIGINT NOT NULL
  );
  CREATE INDEX event_outbox_by_age ON event_outbox (created_at);

  CREATE TABLE event_deliveries (
    event_id TEXT NOT NULL REFERENCES event_outbox(id),
    target TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    due_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    last_attempt_at TEXT,
    response_status INTEGER,
    response_body TEXT,
    last_error TEXT,
    PRIMARY KEY (target, event_id)
  );
  CREATE INDEX event_deliveries_due ON event_deliveries (due_at) WHERE status = 'pending';
  CREATE INDEX event_deliveries_by_target ON event_deliveries (target, created_at);
  -- By event: the foreign key's checks and the pruning of old events.
  CREATE INDEX event_deliveries_by_event ON event_deliveries (event_id);
  -- Settled deliveries by age, for pruning (see WebhookStore.pruneSettled).
  CREATE INDEX event_deliveries_settled ON event_deliveries (created_at) WHERE status <> 'pending';

  CREATE TABLE message_expiries (
    message_id TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL
  );
  CREATE INDEX message_expiries_by_time ON message_expiries (expires_at);
  CREATE FUNCTION track_message_expiry() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    -- The text test keeps the costly part (and its savepoint) to messages that have an expiry.
    IF NEW.status <> 'reply' AND position('"expiresAt"' IN NEW.message_json) > 0 THEN
      BEGIN
        IF (NEW.message_json::jsonb ->> 'expiresAt') IS NOT NULL THEN
          INSERT INTO message_expiries (message_id, expires_at)
          VALUES (NEW.id, (extract(epoch FROM (NEW.message_json::jsonb ->> 'expiresAt')::timestamptz) * 1000)::bigint)
          ON CONFLICT DO NOTHING;
        END IF;
      EXCEPTION WHEN others THEN
        -- A message whose JSON or expiry PostgreSQL cannot read is stored all the same (readers set it aside).
        NULL;
      END;
    END IF;
    RETURN NULL;
  END $$;
  CREATE TRIGGER messages_track_expiry AFTER INSERT ON messages FOR EACH ROW EXECUTE FUNCTION track_message_expiry();
  `,
  `
  -- Issue 11: the delivery dashboard (see the SQLite migration for the why of each column and index).
  ALTER TABLE messages ADD COLUMN category TEXT;
  ALTER TABLE messages ADD COLUMN sent_at TEXT;
  CREATE FUNCTION pg_temp.json_or_null(text TEXT) RETURNS jsonb LANGUAGE plpgsql AS $$
  BEGIN
    RETURN text::jsonb;
  EXCEPTION WHEN others THEN
    RETURN NULL;
  END $$;
  CREATE FUNCTION pg_temp.iso_utc(value TEXT) RETURNS TEXT LANGUAGE plpgsql AS $$
  BEGIN
    RETURN to_char(value::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
  EXCEPTION WHEN others THEN
    RETURN NULL;
  END $$;
  UPDATE messages SET category = coalesce(pg_temp.json_or_null(message_json) ->> 'category', 'unknown');
  UPDATE messages SET sent_at = greatest(
      pg_temp.iso_utc(created_at),
      coalesce(pg_temp.iso_utc(pg_temp.json_or_null(message_json) ->> 'deliverAt'), pg_temp.iso_utc(created_at)))
    WHERE status IN ('queued', 'sending', 'sent', 'retracted')
      AND NOT EXISTS (SELECT 1 FROM messages occurrence WHERE occurrence.id = messages.id || '.1');
  CREATE INDEX messages_sent_by_day ON messages (merchant_id, sent_at)
    INCLUDE (category, recipients, delivered_live, pushed, push_failed, id) WHERE sent_at IS NOT NULL;
  CREATE INDEX message_states_first_read ON message_states (message_id) INCLUDE (read_at) WHERE read;
  CREATE INDEX messages_newest ON messages (merchant_id, created_at, id);
  CREATE INDEX messages_newest_by_status ON messages (merchant_id, status, created_at, id);
  `,
  `
  -- Issue 15: messages at each recipient's local time (server/store/local-time-store.ts).
  -- Every recipient under the zone planned for them at accept; deleted once their zone is done.
  CREATE TABLE local_time_recipients (
    message_id TEXT NOT NULL REFERENCES messages(id),
    zone TEXT NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (message_id, zone, user_id)
  );
  -- One row per (message, zone): claimed when due and delivered in batches, after_user_id being
  -- the keyset position moved in the same transaction. due_at is NULL once done or cancelled.
  CREATE TABLE local_time_zones (
    message_id TEXT NOT NULL REFERENCES messages(id),
    zone TEXT NOT NULL,
    target_at BIGINT NOT NULL,
    due_at BIGINT,
    recipients INTEGER NOT NULL,
    pending INTEGER NOT NULL,
    sent INTEGER NOT NULL DEFAULT 0,
    late INTEGER NOT NULL DEFAULT 0,
    after_user_id TEXT NOT NULL DEFAULT '',
    -- What the merchant asked for, on every zone row: deliverAtLocal, or the cron, and fallbackTz.
    local_at TEXT,
    cron TEXT,
    fallback_tz TEXT NOT NULL,
    occurrences INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (message_id, zone)
  );
  CREATE INDEX local_time_zones_by_due ON local_time_zones (due_at) WHERE due_at IS NOT NULL;
  `,
  `
  -- Issue 15: pushes held back and released as one summary (server/store/held-push-store.ts).
  -- The digest a message was sent with (digest_key is the merchant's id and key); digested counts
  -- the recipients whose push went into a digest.
  CREATE TABLE message_digests (
    message_id TEXT PRIMARY KEY REFERENCES messages(id),
    digest_key TEXT NOT NULL,
    window_ms BIGINT NOT NULL,
    title TEXT,
    digested INTEGER NOT NULL DEFAULT 0
  );
  -- One hold per (shopper, hold key): 'digest:<merchant>:<key>' or 'quiet'; claimed under a lease when due.
  CREATE TABLE held_pushes (
    user_id TEXT NOT NULL,
    hold_key TEXT NOT NULL,
    due_at BIGINT NOT NULL,
    title TEXT,
    lease_until BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, hold_key)
  );
  CREATE INDEX held_pushes_by_due ON held_pushes (due_at);
  CREATE TABLE held_push_messages (
    user_id TEXT NOT NULL,
    hold_key TEXT NOT NULL,
    message_id TEXT NOT NULL,
    -- When the message was sent (the newest is the summary's target); held_at, when its push was held.
    message_at BIGINT NOT NULL,
    held_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, hold_key, message_id)
  );
  `,
  // A held push summary a push service asked to retry rides the push queue to that one device
  // (server/push/held-push-releaser.ts): the job carries the summary, its message is the newest
  // summarised, and it counts in no message's push figures.
  `
  ALTER TABLE push_jobs ADD COLUMN summary_json TEXT;
  `,
];

/**
 * Runs pending migrations in one transaction under a transaction-scoped
 * advisory lock (keyed by schema), so instances starting together apply each
 * version once: the second waits, then finds nothing left to do. Refuses a
 * database that is newer than this code.
 */
export async function migrate(client: PoolClient, migrations: readonly string[] = POSTGRES_MIGRATIONS): Promise<number> {
  await client.query('BEGIN');
  try {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('tidings-migrate:' || current_schema()))`);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
    const current = rows[0]?.version ?? 0;
    if (current > migrations.length) {
      throw new Error(
        `database schema version ${current} is newer than this Tidings (knows ${migrations.length}); upgrade Tidings`,
      );
    }
    for (let version = current; version < migrations.length; version++) {
      await client.query(migrations[version]!);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [version + 1]);
    }
    await client.query('COMMIT');
    return migrations.length - current;
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
}
