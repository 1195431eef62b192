import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { TEST_DATABASE_URL } from './services.js';

/**
 * A throwaway schema in the test database, so every PostgreSQL store a test
 * opens starts empty and tests can run in parallel without seeing each other.
 */
export interface TestSchema {
  name: string;
  /** Opens a store (one pool: one "instance") on this schema; migrations run on the first. */
  open(poolSize?: number): Promise<PostgresStore>;
  drop(): Promise<void>;
  /** Runs SQL on this schema's tables behind the store's back (a test that damages a row). */
  query(sql: string, params?: unknown[]): Promise<void>;
}

export async function createTestSchema(url = TEST_DATABASE_URL): Promise<TestSchema> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  await query(url, `CREATE SCHEMA ${name}`);
  return {
    name,
    open: (poolSize = 4) => PostgresStore.open({ connectionString: url, schema: name, poolSize }),
    drop: () => query(url, `DROP SCHEMA ${name} CASCADE`),
    query: (sql, params) => query(url, sql, params, name),
  };
}

async function query(url: string, sql: string, params: unknown[] = [], schema?: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
  await client.connect();
  try {
    await client.query(sql, params);
  } finally {
    await client.end();
  }
}
