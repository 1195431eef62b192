import type { PoolClient } from 'pg';
import type { SyncEvent } from '../../../shared/event.schema.js';

/** One row to append to several shoppers' logs. */
export interface EventRow {
  kind: SyncEvent['kind'];
  messageId: string | null;
  /** Body of non-message kinds: JSON of the event without seq and kind. */
  payloadJson: string | null;
  createdAt: string;
}

/**
 * Appends one event to each shopper's log inside the caller's transaction and
 * returns each shopper's new seq, in the order of `userIds`.
 *
 * The seq comes from `shoppers.last_seq`, bumped with INSERT … ON CONFLICT DO
 * UPDATE: that takes the shopper's row lock until commit, so a second writer
 * for the same shopper waits and gets the next number only after the first
 * committed. Numbers therefore become visible in order and a reader past seq
 * n never misses a lower one. Rows are locked in one global order (user_id,
 * byte-wise, matching the "C" collation) so two multi-shopper writers cannot
 * deadlock each other.
 */
export async function appendEvents(client: PoolClient, userIds: readonly string[], row: EventRow): Promise<number[]> {
  if (userIds.length === 0) return [];
  const lockOrder = [...new Set(userIds)].sort(byteOrder);
  const { rows: bumped } = await client.query<{ user_id: string; last_seq: number }>(
    `INSERT INTO shoppers (user_id, last_seq) SELECT u, 1 FROM unnest($1::text[]) WITH ORDINALITY AS t(u, i) ORDER BY i
     ON CONFLICT (user_id) DO UPDATE SET last_seq = shoppers.last_seq + 1
     RETURNING user_id, last_seq`,
    [lockOrder],
  );
  const seqOf = new Map(bumped.map((r) => [r.user_id, r.last_seq]));
  const seqs = userIds.map((userId) => seqOf.get(userId)!);
  await client.query(
    `INSERT INTO events (user_id, seq, kind, message_id, created_at, payload_json)
     SELECT u, s, $3, $4, $5, $6 FROM unnest($1::text[], $2::bigint[]) AS t(u, s)`,
    [userIds, seqs, row.kind, row.messageId, row.createdAt, row.payloadJson],
  );
  return seqs;
}

/** Appends one event to one shopper's log; returns its seq. */
export async function appendEvent(client: PoolClient, userId: string, row: EventRow): Promise<number> {
  return (await appendEvents(client, [userId], row))[0]!;
}

/** Code-unit order, the order the "C" collation gives ASCII ids (shopper ids are printable ASCII in practice). */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const READ_EVENTS_SQL = `SELECT e.seq, e.kind, e.message_id, m.message_json, e.payload_json FROM events e
  LEFT JOIN messages m ON m.id = e.message_id
  WHERE e.user_id = $1 AND e.seq > $2 ORDER BY e.seq LIMIT $3`;
