import type pg from 'pg';
import type { DayWindow, DeliveryCountsRow, DeliveryStatsRows, DeliveryStatsStore, ReadCellRow } from '../delivery-stats-store.js';
import { withTransaction } from './transaction.js';

/**
 * Each day window is one range scan of messages_sent_by_day. OFFSET 0 keeps the
 * subquery whole, so the planner walks the days first rather than joining every
 * message of the merchant to every day.
 */
const DAYS_THEN_MESSAGES = `
  unnest($1::text[], $2::text[], $3::text[]) AS d(day, start_at, end_at)
  CROSS JOIN LATERAL (
    SELECT m.id, m.category, m.sent_at, m.recipients, m.delivered_live, m.pushed, m.push_failed FROM messages m
    WHERE m.merchant_id = $4 AND m.sent_at >= d.start_at AND m.sent_at < d.end_at OFFSET 0
  ) AS m`;

export class PostgresDeliveryStats implements DeliveryStatsStore {
  constructor(private readonly pool: pg.Pool) {}

  deliveryFigures(merchantId: string, days: readonly DayWindow[]): Promise<DeliveryStatsRows> {
    const params = [days.map((d) => d.day), days.map((d) => d.start), days.map((d) => d.end), merchantId];
    return withTransaction(this.pool, async (client): Promise<DeliveryStatsRows> => {
      // One snapshot for both queries. No JIT: it is many small index probes, which compiling
      // (the row estimates of a range on a parameter are high) costs far more than it saves.
      await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      await client.query('SET LOCAL jit = off');
      const counts = await client.query<DeliveryCountsRow>(
        `SELECT d.day, coalesce(m.category, 'unknown') AS category, count(*)::int AS sent, sum(m.recipients)::int AS recipients,
           sum(m.delivered_live)::int AS "deliveredLive", sum(m.pushed)::int AS pushed, sum(m.push_failed)::int AS "pushFailed"
         FROM ${DAYS_THEN_MESSAGES}
         GROUP BY 1, 2`,
        params,
      );
      // Per message, one probe of message_states_first_read: how many read it and when the first did.
      const reads = await client.query<ReadCellRow>(
        `SELECT d.day, coalesce(m.category, 'unknown') AS category, sum(r.reads)::int AS read,
           array_agg(extract(epoch FROM r.first_read::timestamptz - m.sent_at::timestamptz)::float8) AS "secondsToFirstRead"
         FROM ${DAYS_THEN_MESSAGES}
         CROSS JOIN LATERAL (
           SELECT count(*) AS reads, min(s.read_at) AS first_read FROM message_states s WHERE s.message_id = m.id AND s.read
         ) AS r
         WHERE r.reads > 0
         GROUP BY 1, 2`,
        params,
      );
      return { counts: counts.rows, reads: reads.rows };
    });
  }
}
