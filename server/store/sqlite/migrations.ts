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
];
