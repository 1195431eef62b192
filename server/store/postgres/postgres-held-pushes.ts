import type { Pool, PoolClient } from 'pg';
import type { ClaimedHold, DigestSpec, HeldPushStore, HoldInput, SummaryRetry } from '../held-push-store.js';
import { withTransaction } from './transaction.js';

/** PostgreSQL side of held pushes, one to one with SqliteHeldPushes; claims skip rows another instance holds. */
export class PostgresHeldPushes implements HeldPushStore {
  constructor(private readonly pool: Pool) {}

  /** Inside the accept transaction. */
  async recordDigest(client: PoolClient, messageId: string, digest: DigestSpec): Promise<void> {
    await client.query('INSERT INTO message_digests (message_id, digest_key, window_ms, title) VALUES ($1, $2, $3, $4)', [
      messageId,
      digest.key,
      digest.windowMs,
      digest.title,
    ]);
  }

  async digestOf(messageId: string): Promise<DigestSpec | undefined> {
    const { rows } = await this.pool.query<{ digest_key: string; window_ms: number; title: string | null }>(
      'SELECT digest_key, window_ms, title FROM message_digests WHERE message_id = $1',
      [messageId],
    );
    const row = rows[0];
    return row && { key: row.digest_key, windowMs: row.window_ms, title: row.title };
  }

  hold(input: HoldInput): Promise<void> {
    return withTransaction(this.pool, async (client) => {
      await client.query('INSERT INTO held_pushes (user_id, hold_key, due_at, title) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
        input.userId,
        input.holdKey,
        input.dueAt,
        input.title,
      ]);
      const added = await client.query(
        'INSERT INTO held_push_messages (user_id, hold_key, message_id, message_at, held_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
        [input.userId, input.holdKey, input.messageId, input.messageAt, input.now],
      );
      if (added.rowCount === 1 && input.holdKey.startsWith('digest:')) {
        await client.query('UPDATE message_digests SET digested = digested + 1 WHERE message_id = $1', [input.messageId]);
      }
    });
  }

  claimDue(now: number, leaseMs: number, limit: number): Promise<ClaimedHold[]> {
    return withTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ user_id: string; hold_key: string; title: string | null }>(
        `SELECT user_id, hold_key, title FROM held_pushes WHERE due_at <= $1 AND lease_until <= $1
         ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [now, limit],
      );
      const claimed: ClaimedHold[] = [];
      for (const row of rows) {
        await client.query('UPDATE held_pushes SET lease_until = $1 WHERE user_id = $2 AND hold_key = $3', [now + leaseMs, row.user_id, row.hold_key]);
        const covered = await client.query<{ message_id: string }>(
          `SELECT message_id FROM held_push_messages WHERE user_id = $1 AND hold_key = $2 AND held_at <= $3
           ORDER BY message_at DESC, held_at DESC, message_id DESC`,
          [row.user_id, row.hold_key, now],
        );
        const messageIds = covered.rows.map((m) => m.message_id);
        if (messageIds.length === 0) {
          await client.query('DELETE FROM held_pushes WHERE user_id = $1 AND hold_key = $2', [row.user_id, row.hold_key]);
          continue;
        }
        claimed.push({ userId: row.user_id, holdKey: row.hold_key, title: row.title, messageIds, claimedAt: now });
      }
      return claimed;
    });
  }

  release(hold: ClaimedHold, retries: readonly SummaryRetry[] = []): Promise<void> {
    return withTransaction(this.pool, async (client) => {
      if (retries.length > 0) {
        await client.query(
          `INSERT INTO push_jobs (message_id, user_id, endpoint, attempts, due_at, summary_json)
           SELECT r.message_id, $1, r.endpoint, 1, r.due, r.summary
           FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[]) AS r(message_id, endpoint, due, summary)`,
          [
            hold.userId,
            retries.map((r) => r.summary.messageIds[0]!),
            retries.map((r) => r.endpoint),
            retries.map((r) => r.dueAt),
            retries.map((r) => JSON.stringify(r.summary)),
          ],
        );
      }
      await this.dropCovered(client, hold);
    });
  }

  async postpone(hold: ClaimedHold, dueAt: number): Promise<void> {
    await this.pool.query('UPDATE held_pushes SET due_at = $1, lease_until = 0 WHERE user_id = $2 AND hold_key = $3', [dueAt, hold.userId, hold.holdKey]);
  }

  moveTo(hold: ClaimedHold, holdKey: string, dueAt: number): Promise<void> {
    return withTransaction(this.pool, async (client) => {
      await client.query('INSERT INTO held_pushes (user_id, hold_key, due_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [hold.userId, holdKey, dueAt]);
      await client.query(
        `INSERT INTO held_push_messages (user_id, hold_key, message_id, message_at, held_at)
         SELECT user_id, $1, message_id, message_at, held_at FROM held_push_messages WHERE user_id = $2 AND hold_key = $3 AND held_at <= $4
         ON CONFLICT DO NOTHING`,
        [holdKey, hold.userId, hold.holdKey, hold.claimedAt],
      );
      await this.dropCovered(client, hold);
    });
  }

  async nextDueAt(): Promise<number | undefined> {
    const { rows } = await this.pool.query<{ due_at: number }>('SELECT due_at FROM held_pushes ORDER BY due_at LIMIT 1');
    return rows[0]?.due_at;
  }

  async digested(messageId: string): Promise<number> {
    const { rows } = await this.pool.query<{ digested: number }>('SELECT digested FROM message_digests WHERE message_id = $1', [messageId]);
    return rows[0]?.digested ?? 0;
  }

  /** Drops the messages the claim covered; the hold goes when none is left, else is due again at once. */
  private async dropCovered(client: PoolClient, hold: ClaimedHold): Promise<void> {
    const key = [hold.userId, hold.holdKey];
    await client.query('DELETE FROM held_push_messages WHERE user_id = $1 AND hold_key = $2 AND held_at <= $3', [...key, hold.claimedAt]);
    const left = await client.query('SELECT 1 FROM held_push_messages WHERE user_id = $1 AND hold_key = $2 LIMIT 1', key);
    if (left.rowCount === 0) await client.query('DELETE FROM held_pushes WHERE user_id = $1 AND hold_key = $2', key);
    else await client.query('UPDATE held_pushes SET due_at = $1, lease_until = 0 WHERE user_id = $2 AND hold_key = $3', [hold.claimedAt, ...key]);
  }
}
