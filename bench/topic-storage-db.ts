/**
 * The raw SQL side of bench/topic-storage.bench.ts: one small interface over a
 * second connection to the store under test (better-sqlite3 on the same file,
 * or a pg pool on the same schema), the bulk set-up of a large topic, and the
 * byte counts. Nothing here is product code; the measured writes of today's
 * shape go through the real app.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { SQLITE_FILE_NAME } from '../server/store/sqlite/sqlite-store.js';

export type Dialect = 'sqlite' | 'postgres';

export interface RawDb {
  dialect: Dialect;
  /** `?` placeholders in both dialects (turned into `$n` for PostgreSQL). */
  run(sql: string, params?: unknown[]): Promise<void>;
  all<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Statements in one transaction, committed (durably: SQLite synchronous=FULL, as the store). */
  transaction(statements: [string, unknown[]][]): Promise<void>;
  /** Bytes each table and index takes (SQLite: dbstat; PostgreSQL: pg_relation_size). */
  relationBytes(): Promise<Map<string, number>>;
  close(): Promise<void>;
}

export function openSqliteRaw(dataDir: string): RawDb {
  const db = new Database(path.join(dataDir, SQLITE_FILE_NAME));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  return {
    dialect: 'sqlite',
    run: async (sql, params = []) => void db.prepare(sql).run(...params),
    all: async <T>(sql: string, params: unknown[] = []) => db.prepare(sql).all(...params) as T[],
    transaction: async (statements) => db.transaction(() => statements.forEach(([sql, params]) => db.prepare(sql).run(...params)))(),
    relationBytes: async () =>
      new Map(db.prepare('SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name').all().map((r) => {
        const row = r as { name: string; bytes: number };
        return [row.name, row.bytes];
      })),
    close: async () => {
      db.close();
    },
  };
}

export function openPostgresRaw(connectionString: string, schema: string): RawDb {
  const pool = new pg.Pool({ connectionString, max: 2, options: `-c search_path=${schema}` });
  const numbered = (sql: string) => {
    let n = 0;
    return sql.replace(/\?/g, () => `$${++n}`);
  };
  return {
    dialect: 'postgres',
    run: async (sql, params = []) => void (await pool.query(numbered(sql), params)),
    all: async <T>(sql: string, params: unknown[] = []) => (await pool.query(numbered(sql), params)).rows as T[],
    async transaction(statements) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        for (const [sql, params] of statements) await client.query(numbered(sql), params);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      } finally {
        client.release();
      }
    },
    async relationBytes() {
      const { rows } = await pool.query<{ name: string; bytes: string }>(
        `SELECT c.relname AS name, pg_relation_size(c.oid) AS bytes FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'i')`,
        [schema],
      );
      return new Map(rows.map((r) => [r.name, Number(r.bytes)]));
    },
    close: () => pool.end(),
  };
}

/** Subscriber `i`'s id: fixed width, so user_id order is numeric order. */
export const subscriberId = (i: number) => `u${String(i).padStart(7, '0')}`;

/**
 * `n` subscribers of `topic`, each already a shopper (last_seq 0), and every `pushEvery`-th with one
 * push subscription (0: none). Bulk SQL, not the API: this is set-up, not what is measured.
 */
export async function seedTopic(db: RawDb, topic: string, n: number, pushEvery: number): Promise<void> {
  const ids = db.dialect === 'sqlite'
    ? `WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < ${n - 1}) SELECT printf('u%07d', i) AS id, i FROM c`
    : `SELECT 'u' || lpad(i::text, 7, '0') AS id, i FROM generate_series(0, ${n - 1}) AS i`;
  await db.run(`INSERT INTO topic_subscriptions (topic, user_id, subscribed_at) SELECT ?, id, 0 FROM (${ids}) AS s`, [topic]);
  await db.run(`INSERT INTO shoppers (user_id, last_seq) SELECT id, 0 FROM (${ids}) AS s`);
  if (pushEvery > 0) {
    await db.run(
      `INSERT INTO push_subscriptions (endpoint, user_id, p256dh, auth, created_at, updated_at)
       SELECT 'https://push.example/' || id, id, 'p256dh', 'auth', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'
       FROM (${ids}) AS s WHERE i % ${pushEvery} = 0`,
    );
  }
  if (db.dialect === 'postgres') await db.run('ANALYZE');
}

/** Growth of every relation between two snapshots, largest first (only those that grew). */
export function grown(before: Map<string, number>, after: Map<string, number>): { name: string; bytes: number }[] {
  return [...after]
    .map(([name, bytes]) => ({ name, bytes: bytes - (before.get(name) ?? 0) }))
    .filter((r) => r.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
}
