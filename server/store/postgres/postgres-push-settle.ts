import type { PoolClient } from 'pg';
import type { PushJobOutcome } from '../store.js';
import { recordPushOutcomes } from './postgres-event-outbox.js';

const COUNT_COLUMN = { pushed: 'pushed', failed: 'push_failed', skipped: 'push_skipped' } as const;

/**
 * Applies push outcomes inside the caller's transaction: one delete per kind,
 * one count update per kind. Only jobs this delete actually removed are
 * counted, so a worker whose lease ran out and who settles a job someone else
 * already settled changes nothing (the row lock makes the second delete wait,
 * then find nothing).
 */
export async function settlePushJobs(client: PoolClient, outcomes: readonly PushJobOutcome[]): Promise<void> {
  const done = { pushed: [] as number[], failed: [] as number[], skipped: [] as number[] };
  const retries: { id: number; dueAt: number; attempted: boolean }[] = [];
  const gone: string[] = [];
  for (const outcome of outcomes) {
    switch (outcome.kind) {
      case 'retry':
      case 'postponed':
        retries.push({ id: outcome.id, dueAt: outcome.dueAt, attempted: outcome.kind === 'retry' });
        break;
      case 'gone':
        gone.push(outcome.endpoint);
        done.failed.push(outcome.id);
        break;
      default:
        done[outcome.kind].push(outcome.id);
    }
  }
  if (retries.length > 0) {
    await client.query(
      // A postponed job was not tried: the attempt its claim counted is given back.
      `UPDATE push_jobs j SET due_at = r.due, attempts = j.attempts - CASE WHEN r.attempted THEN 0 ELSE 1 END
       FROM unnest($1::bigint[], $2::bigint[], $3::boolean[]) AS r(id, due, attempted) WHERE j.id = r.id`,
      [retries.map((r) => r.id), retries.map((r) => r.dueAt), retries.map((r) => r.attempted)],
    );
  }
  if (gone.length > 0) await client.query('DELETE FROM push_subscriptions WHERE endpoint = ANY($1::text[])', [gone]);
  const settled = { pushed: [] as { messageId: string; userId: string }[], failed: [] as { messageId: string; userId: string }[] };
  for (const kind of ['pushed', 'failed', 'skipped'] as const) {
    if (done[kind].length === 0) continue;
    const { rows } = await client.query<{ message_id: string; user_id: string }>(
      // A held push summary's retry is none of its message's pushes: no count, no event.
      `WITH deleted AS (DELETE FROM push_jobs WHERE id = ANY($1::bigint[]) RETURNING message_id, user_id, summary_json IS NULL AS counts),
       settled AS (SELECT message_id, user_id FROM deleted WHERE counts),
       counted AS (
         UPDATE messages m SET ${COUNT_COLUMN[kind]} = m.${COUNT_COLUMN[kind]} + c.n
         FROM (SELECT message_id, COUNT(*)::int AS n FROM settled GROUP BY message_id) c WHERE m.id = c.message_id)
       SELECT message_id, user_id FROM settled`,
      [done[kind]],
    );
    if (kind !== 'skipped') settled[kind].push(...rows.map((r) => ({ messageId: r.message_id, userId: r.user_id })));
  }
  // Issue 10: the events of these outcomes, in the same transaction.
  await recordPushOutcomes(client, settled.pushed, settled.failed);
}
