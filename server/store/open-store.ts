import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

/**
 * The one place that picks the store: PostgreSQL when DATABASE_URL is set
 * (several instances share it), otherwise the embedded SQLite file in
 * DATA_DIR. Either way the schema is migrated before this resolves.
 */
export async function openStore(config: Pick<Config, 'databaseUrl' | 'databasePoolSize' | 'dataDir'>, logger?: Logger): Promise<Store> {
  if (config.databaseUrl) {
    return PostgresStore.open({ connectionString: config.databaseUrl, poolSize: config.databasePoolSize });
  }
  return SqliteStore.open(config.dataDir, logger);
}
