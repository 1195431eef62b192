import amqp from 'amqplib';
import { Redis } from 'ioredis';
import pg from 'pg';

/**
 * Whether the external services the multi-instance suites need are here.
 * Locally a missing service skips its suite with a plain notice; in CI
 * (`CI` set) it fails, because there a skipped suite would hide a regression.
 */
export type Availability = { ok: true } | { ok: false; reason: string };

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Connects to PostgreSQL once and runs SELECT 1, within a short timeout. */
export async function postgresAvailable(url = TEST_DATABASE_URL): Promise<Availability> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => {}); // The failure is reported through the promise below.
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: `PostgreSQL at ${url} is not reachable (${err instanceof Error ? err.message : String(err)})` };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** PINGs Redis once, without retrying, within a short timeout. */
export async function redisAvailable(url = TEST_REDIS_URL): Promise<Availability> {
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 2000,
  });
  client.on('error', () => {}); // The failure is reported through the promise below.
  try {
    await client.connect();
    await client.ping();
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: `Redis at ${url} is not reachable (${err instanceof Error ? err.message : String(err)})` };
  } finally {
    client.disconnect();
  }
}

export const TEST_AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** Opens and closes one AMQP connection, within a short timeout. */
export async function rabbitmqAvailable(url = TEST_AMQP_URL): Promise<Availability> {
  try {
    const connection = await amqp.connect(url, { timeout: 2000 });
    await connection.close();
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: `RabbitMQ at ${url} is not reachable (${err instanceof Error ? err.message : String(err)})` };
  }
}

/**
 * Decides whether a suite runs: true to run; false (with a notice) to skip;
 * throws in CI so the run fails instead of silently skipping.
 */
export function requireService(suite: string, availability: Availability): boolean {
  if (availability.ok) return true;
  const notice = `${suite} suite did not run: ${availability.reason}`;
  if (process.env.CI) throw new Error(`${notice}. CI must provide it (see .ci/run).`);
  console.warn(notice);
  return false;
}

/** The stores a test file runs on: SQLite always, PostgreSQL when it answers (for `describe.each`). */
export async function testStores() {
  const postgres = await postgresAvailable();
  return [
    { kind: 'sqlite', available: true },
    { kind: 'postgres', available: postgres.ok },
  ] as const;
}
