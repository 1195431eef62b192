import type pg from 'pg';
import type { DayWindow, DeliveryCountsRow, DeliveryStatsStore, ReadMessageRow } from '../delivery-stats-store.js';

/** The windows arrive as three arrays; each day is one range scan of messages_sent_by_day. */
const DAYS_THEN_MESSAGES = `
  unnest($1::text[], $2::text[], $3::text[]) AS d(day, start_at, end_at)
  JOIN messages m ON m.merchant_id = $4 AND m.sent_at >= d.start_at AND m.sent_at < d.end_at`;

function windowParams(merchantId: string, days: readonly DayWindow[]): unknown[] {
  return [days.map((d) => d.day), days.map((d) => d.start), days.map((d) => d.end), merchantId];
}

export class PostgresDeliveryStats implements DeliveryStatsStore {
  constructor(private readonly pool: pg.Pool) {}

  async deliveryCounts(merchantId: string, days: readonly DayWindow[]): Promise<DeliveryCountsRow[]> {
    const { rows } = await this.pool.query<DeliveryCountsRow>(
      `SELECT d.day, coalesce(m.category, 'unknown') AS category, count(*)::int AS sent, sum(m.recipients)::int AS recipients,
         sum(m.delivered_live)::int AS "deliveredLive", sum(m.pushed)::int AS pushed, sum(m.push_failed)::int AS "pushFailed"
       FROM ${DAYS_THEN_MESSAGES}
       GROUP BY 1, 2`,
      windowParams(merchantId, days),
    );
    return rows;
  }

  async readMessages(merchantId: string, days: readonly DayWindow[]): Promise<ReadMessageRow[]> {
    const { rows } = await this.pool.query<ReadMessageRow>(
      `SELECT d.day, coalesce(m.category, 'unknown') AS category, m.sent_at AS "sentAt",
         count(*)::int AS reads, min(s.read_at) AS "firstReadAt"
       FROM ${DAYS_THEN_MESSAGES}
       JOIN message_states s ON s.message_id = m.id AND s.read
       GROUP BY d.day, m.id`,
      windowParams(merchantId, days),
    );
    return rows;
  }
}
