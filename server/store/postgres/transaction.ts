import type { Pool, PoolClient } from 'pg';

/** SQLSTATEs after which the whole transaction can simply run again: deadlock detected, serialization failure. */
const RETRYABLE = new Set(['40P01', '40001']);
const ATTEMPTS = 3;

/**
 * Runs `fn` as one transaction on one pooled connection: BEGIN, fn, COMMIT,
 * or ROLLBACK when it throws. A deadlock (two writers locking shoppers in
 * different orders, a retraction racing a fan-out) is retried whole: `fn`
 * must not have effects outside the database, which holds for every store
 * method, since events are handed to the bus only after commit.
 */
export async function withTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      // A connection that cannot even roll back is dropped rather than returned to the pool.
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      const code = (err as { code?: unknown }).code;
      if (attempt < ATTEMPTS && typeof code === 'string' && RETRYABLE.has(code)) continue;
      throw err;
    } finally {
      client.release(broken);
    }
  }
}
