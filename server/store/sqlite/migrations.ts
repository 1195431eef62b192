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
];
