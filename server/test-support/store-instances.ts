import { afterAll } from 'vitest';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { createTestSchema, type TestSchema } from './postgres-schema.js';
import { tempDir } from './temp-dirs.js';

/**
 * For store tests that run on both stores: opens one SQLite store, or two
 * "instances" on one fresh PostgreSQL schema (to compete for claims). The
 * schemas are dropped after the file's tests.
 */
export function storeInstances(): (kind: 'sqlite' | 'postgres') => Promise<Store[]> {
  const schemas: TestSchema[] = [];
  afterAll(async () => {
    for (const schema of schemas) await schema.drop();
  });
  return async (kind) => {
    if (kind === 'sqlite') return [SqliteStore.open(tempDir())];
    const schema = await createTestSchema();
    schemas.push(schema);
    return [await schema.open(), await schema.open()];
  };
}
