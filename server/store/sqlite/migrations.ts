/**
 * Schema history of the SQLite store. Append only: a released migration is
 * never edited; PRAGMA user_version records how many have run.
 */
export const SQLITE_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE merchants (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
  );

  CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants(id),
    message_json TEXT NOT NULL,
    recipients INTEGER NOT NULL,
    created_at TEXT NOT NULL
  );

  -- One row per shopper: the seq of the last event in their log. Bumping it
  -- inside the writing transaction is what keeps each log gap-free.
  CREATE TABLE shoppers (
    user_id TEXT PRIMARY KEY,
    last_seq INTEGER NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE events (
    user_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    message_id TEXT REFERENCES messages(id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, seq)
  ) WITHOUT ROWID;
  `,
  `
  -- Web Push. One row per browser subscription; the endpoint is globally
  -- unique, so a device re-subscribing (possibly as another shopper) updates it.
  CREATE TABLE push_subscriptions (
    endpoint TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    p256dh TEXT NOT NULL,
    auth TEXT NOT NULL,
    expiration_time INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX push_subscriptions_by_user ON push_subscriptions (user_id, updated_at);

  -- The durable push queue: one row per message x subscription, written in the
  -- message's transaction and deleted once settled. due_at (epoch ms) is both
  -- the retry time and the lease: claiming moves it past the lease, so a worker
  -- that dies mid-send releases its jobs when the lease runs out.
  CREATE TABLE push_jobs (
    id INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL REFERENCES messages(id),
    user_id TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    due_at INTEGER NOT NULL
  );
  CREATE INDEX push_jobs_by_due ON push_jobs (due_at);

  ALTER TABLE messages ADD COLUMN push_targets INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE messages ADD COLUMN pushed INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE messages ADD COLUMN push_failed INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE messages ADD COLUMN push_skipped INTEGER NOT NULL DEFAULT 0;

  -- GET /me/messages/:id asks "is this shopper a recipient?" without scanning their log.
  CREATE INDEX events_by_message ON events (message_id, user_id);
  `,
  `
  -- Issue 5: the message lifecycle. status: queued (accepted, delivering),
  -- scheduled (waiting for its time), sending (topic fan-out running), sent,
  -- cancelled, expired (its time came after expiresAt), retracted, reply.
  ALTER TABLE messages ADD COLUMN status TEXT NOT NULL DEFAULT 'sent';
  ALTER TABLE messages ADD COLUMN target_json TEXT;
  ALTER TABLE messages ADD COLUMN delivered_live INTEGER NOT NULL DEFAULT 0;
  -- A shopper's reply points at the user message it answers.
  ALTER TABLE messages ADD COLUMN reply_to TEXT;
  CREATE INDEX messages_by_merchant_status ON messages (merchant_id, status, id);
  CREATE INDEX messages_by_reply_to ON messages (reply_to, created_at, id) WHERE reply_to IS NOT NULL;

  -- The durable scheduler: one row per message still to be delivered. A due
  -- row is claimed and delivered in one transaction (PostgreSQL: FOR UPDATE
  -- SKIP LOCKED), so each occurrence goes out exactly once.
  CREATE TABLE schedules (
    message_id TEXT PRIMARY KEY REFERENCES messages(id),
    due_at INTEGER NOT NULL,
    cron TEXT,
    tz TEXT,
    occurrences INTEGER NOT NULL DEFAULT 0
  ) WITHOUT ROWID;
  CREATE INDEX schedules_by_due ON schedules (due_at);

  -- The first answer to each Idempotency-Key, written with the message.
  CREATE TABLE idempotency_keys (
    merchant_id TEXT NOT NULL,
    key TEXT NOT NULL,
    body_hash TEXT NOT NULL,
    response_json TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (merchant_id, key)
  ) WITHOUT ROWID;
  CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

  CREATE TABLE topic_subscriptions (
    topic TEXT NOT NULL,
    user_id TEXT NOT NULL,
    subscribed_at INTEGER NOT NULL,
    PRIMARY KEY (topic, user_id)
  ) WITHOUT ROWID;
  CREATE INDEX topic_subscriptions_by_user ON topic_subscriptions (user_id, topic);

  -- A broadcast in progress. after_user_id is the keyset position: batches
  -- append to subscribers in user_id order and move it in the same
  -- transaction, so a crash resumes without gap or duplicate. Only those
  -- subscribed at or before cutoff (the send time) receive it.
  CREATE TABLE fanout_jobs (
    message_id TEXT PRIMARY KEY REFERENCES messages(id),
    topic TEXT NOT NULL,
    cutoff INTEGER NOT NULL,
    after_user_id TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  `
  -- Issue 4: state that follows the shopper. Events other than \`message\`
  -- carry their body here (JSON of the event without seq and kind).
  ALTER TABLE events ADD COLUMN payload_json TEXT;

  -- Read, archived and deleted per shopper and message, each field with the
  -- device time it was set (ISO 8601 UTC, so it also sorts as text). A field
  -- never set is NULL. Only for messages the shopper received.
  CREATE TABLE message_states (
    user_id TEXT NOT NULL,
    message_id TEXT NOT NULL REFERENCES messages(id),
    read INTEGER,
    read_at TEXT,
    archived INTEGER,
    archived_at TEXT,
    deleted INTEGER,
    deleted_at TEXT,
    PRIMARY KEY (user_id, message_id)
  ) WITHOUT ROWID;

  -- A shopper's notification preferences as last saved from any device.
  CREATE TABLE shopper_preferences (
    user_id TEXT PRIMARY KEY,
    preferences_json TEXT NOT NULL,
    changed_at TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  `
  -- Issue 5: "how many read it" for GET /messages/:id without scanning every shopper's states.
  CREATE INDEX message_states_by_message ON message_states (message_id, read);
  `,
  `
  -- Issue 9: keys have a role. Every key made before roles existed was fully
  -- trusted, so it becomes a platform key. A revoked key keeps its row: its
  -- messages still point at it.
  ALTER TABLE merchants ADD COLUMN role TEXT NOT NULL DEFAULT 'platform' CHECK (role IN ('platform', 'seller'));
  ALTER TABLE merchants ADD COLUMN revoked_at TEXT;
  `,
  `
  -- Issue 10: GET /api/v1/messages without a status pages a merchant's messages by id.
  CREATE INDEX messages_by_merchant ON messages (merchant_id, id);
  `,
  `
  -- Issue 10: events back to the shop. The endpoints a merchant registered;
  -- events is ",type,type," so a LIKE picks the ones that want a type.
  CREATE TABLE webhooks (
    id TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants(id),
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    events TEXT NOT NULL,
    created_at TEXT NOT NULL,
    -- Epoch ms of the first failure since the last success: "failing for days" disables it.
    failing_since INTEGER,
    disabled_at TEXT,
    disabled_reason TEXT
  );
  CREATE INDEX webhooks_by_merchant ON webhooks (merchant_id, created_at);

  -- In-process sinks (e.g. AMQP) registered by running instances: each event gets a delivery for each.
  CREATE TABLE event_sinks (name TEXT PRIMARY KEY) WITHOUT ROWID;

  -- The durable outbox: one row per event, written in the transaction of its
  -- fact where there is one. dedup_key makes "once per message per recipient".
  CREATE TABLE event_outbox (
    id TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL,
    type TEXT NOT NULL,
    dedup_key TEXT NOT NULL UNIQUE,
    payload_json TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX event_outbox_by_age ON event_outbox (created_at);

  -- One row per event x target (a webhook id or "sink:<name>"). due_at (epoch
  -- ms) is the next attempt and the lease, as for push jobs.
  CREATE TABLE event_deliveries (
    event_id TEXT NOT NULL REFERENCES event_outbox(id),
    target TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    due_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
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

  -- Messages with an expiresAt, until message.expired is recorded. Filled by a
  -- trigger so every way a message is stored (send, schedule, topic) is covered.
  CREATE TABLE message_expiries (
    message_id TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX message_expiries_by_time ON message_expiries (expires_at);
  -- json_valid first: SQLite's JSON functions refuse nesting past 1000 levels, and a message
  -- the JSON functions cannot read must still be stored (the scheduler and clients set it aside).
  CREATE TRIGGER messages_track_expiry AFTER INSERT ON messages
    WHEN NEW.status <> 'reply' AND CASE WHEN json_valid(NEW.message_json) THEN json_extract(NEW.message_json, '$.expiresAt') END IS NOT NULL
  BEGIN
    INSERT OR IGNORE INTO message_expiries (message_id, expires_at)
    VALUES (NEW.id, CAST(unixepoch(json_extract(NEW.message_json, '$.expiresAt'), 'subsec') * 1000 AS INTEGER));
  END;
  `,
  `
  -- Issue 11: the delivery dashboard counts a message on the day it went out, per category.
  -- sent_at (ISO 8601 UTC as toISOString writes it, so it sorts as text) is set when a message
  -- is delivered or its fan-out starts; NULL while scheduled, for a recurring message's template
  -- (each occurrence is a row of its own) and for shoppers' replies.
  ALTER TABLE messages ADD COLUMN category TEXT;
  ALTER TABLE messages ADD COLUMN sent_at TEXT;
  -- 'unknown' for the rare row whose JSON cannot be read: every sent message has a category to count under.
  UPDATE messages SET category = coalesce(CASE WHEN json_valid(message_json) THEN json_extract(message_json, '$.category') END, 'unknown');
  -- Before this column, a delivered scheduled message kept its delivery time as deliverAt.
  UPDATE messages SET sent_at = max(
      strftime('%Y-%m-%dT%H:%M:%fZ', created_at),
      coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', CASE WHEN json_valid(message_json) THEN json_extract(message_json, '$.deliverAt') END),
               strftime('%Y-%m-%dT%H:%M:%fZ', created_at)))
    WHERE status IN ('queued', 'sending', 'sent', 'retracted')
      AND NOT EXISTS (SELECT 1 FROM messages occurrence WHERE occurrence.id = messages.id || '.1');
  -- The dashboard's walk: one merchant's categories, each a range of days, every figure it adds up in the index.
  CREATE INDEX messages_sent_by_category ON messages (merchant_id, category, sent_at, recipients, delivered_live, pushed, push_failed, id)
    WHERE sent_at IS NOT NULL;
  -- Who read a message and when, for the read count and the first read, without the table.
  CREATE INDEX message_states_first_read ON message_states (message_id, read_at) WHERE read = 1;
  -- GET /api/v1/messages?order=newest: newest first, keyset on (created_at, id).
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
  ) WITHOUT ROWID;
  -- One row per (message, zone): claimed when due and delivered in batches, after_user_id being
  -- the keyset position moved in the same transaction. due_at is NULL once done or cancelled.
  CREATE TABLE local_time_zones (
    message_id TEXT NOT NULL REFERENCES messages(id),
    zone TEXT NOT NULL,
    target_at INTEGER NOT NULL,
    due_at INTEGER,
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
    window_ms INTEGER NOT NULL,
    title TEXT,
    digested INTEGER NOT NULL DEFAULT 0
  );
  -- One hold per (shopper, hold key): 'digest:<merchant>:<key>' or 'quiet'; claimed under a lease when due.
  CREATE TABLE held_pushes (
    user_id TEXT NOT NULL,
    hold_key TEXT NOT NULL,
    due_at INTEGER NOT NULL,
    title TEXT,
    lease_until INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, hold_key)
  );
  CREATE INDEX held_pushes_by_due ON held_pushes (due_at);
  CREATE TABLE held_push_messages (
    user_id TEXT NOT NULL,
    hold_key TEXT NOT NULL,
    message_id TEXT NOT NULL,
    -- When the message was sent (the newest is the summary's target); held_at, when its push was held.
    message_at INTEGER NOT NULL,
    held_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, hold_key, message_id)
  );
  `,
  // A message's push jobs by message: retraction drops them and the webhook check on a failed push
  // asks about one (message, shopper), and both scanned the whole queue (PostgreSQL has had this index).
  `
  CREATE INDEX push_jobs_by_message ON push_jobs (message_id, user_id);
  `,
  // A held push summary a push service asked to retry rides the push queue to that one device
  // (server/push/held-push-releaser.ts): the job carries the summary, its message is the newest
  // summarised, and it counts in no message's push figures.
  `
  ALTER TABLE push_jobs ADD COLUMN summary_json TEXT;
  `,
];
