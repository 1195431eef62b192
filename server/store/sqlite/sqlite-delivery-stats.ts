import type Database from 'better-sqlite3';
import type { DayWindow, DeliveryCountsRow, DeliveryStatsStore, ReadMessageRow } from '../delivery-stats-store.js';

/**
 * The windows arrive as one JSON array; CROSS JOIN keeps them the outer loop, so each
 * day is one range walk of messages_sent_by_day (which holds every figure added up).
 */
const DAYS_THEN_MESSAGES = `
  (SELECT json_extract(value, '$.day') AS day, json_extract(value, '$.start') AS start, json_extract(value, '$.end') AS end
   FROM json_each(?)) d
  CROSS JOIN messages m INDEXED BY messages_sent_by_day
    ON m.merchant_id = ? AND m.sent_at >= d.start AND m.sent_at < d.end`;

export class SqliteDeliveryStats implements DeliveryStatsStore {
  private readonly counts;
  private readonly reads;

  constructor(db: Database.Database) {
    this.counts = db.prepare<[string, string], DeliveryCountsRow>(
      `SELECT d.day, coalesce(m.category, 'unknown') AS category, count(*) AS sent, sum(m.recipients) AS recipients,
         sum(m.delivered_live) AS deliveredLive, sum(m.pushed) AS pushed, sum(m.push_failed) AS pushFailed
       FROM ${DAYS_THEN_MESSAGES}
       GROUP BY d.day, 2`,
    );
    this.reads = db.prepare<[string, string], ReadMessageRow>(
      `SELECT d.day, coalesce(m.category, 'unknown') AS category, m.sent_at AS sentAt,
         count(*) AS reads, min(s.read_at) AS firstReadAt
       FROM ${DAYS_THEN_MESSAGES}
       JOIN message_states s INDEXED BY message_states_first_read ON s.message_id = m.id AND s.read = 1
       GROUP BY m.id`,
    );
  }

  async deliveryCounts(merchantId: string, days: readonly DayWindow[]): Promise<DeliveryCountsRow[]> {
    return this.counts.all(JSON.stringify(days), merchantId);
  }

  async readMessages(merchantId: string, days: readonly DayWindow[]): Promise<ReadMessageRow[]> {
    return this.reads.all(JSON.stringify(days), merchantId);
  }
}
