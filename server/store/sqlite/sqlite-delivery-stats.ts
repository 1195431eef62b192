import type Database from 'better-sqlite3';
import type { DayWindow, DeliveryCountsRow, DeliveryStatsRows, DeliveryStatsStore, ReadCellRow } from '../delivery-stats-store.js';

/**
 * The merchant's categories (a skip scan: one seek of messages_sent_by_category
 * per category, however many messages), crossed with the day windows (one JSON
 * array). Each category × day is then one range of that index, added up in a
 * subquery: nothing is sorted and only one row per cell comes back.
 */
const CELLS = `
  WITH RECURSIVE categories(category) AS (
    SELECT (SELECT min(category) FROM messages INDEXED BY messages_sent_by_category WHERE merchant_id = $merchant AND sent_at IS NOT NULL)
    UNION ALL
    SELECT (SELECT min(category) FROM messages INDEXED BY messages_sent_by_category
            WHERE merchant_id = $merchant AND sent_at IS NOT NULL AND category > categories.category)
    FROM categories WHERE category IS NOT NULL
  ),
  days AS (
    SELECT json_extract(value, '$.day') AS day, json_extract(value, '$.start') AS start_at, json_extract(value, '$.end') AS end_at
    FROM json_each($days)
  )`;
const IN_CELL = 'm.merchant_id = $merchant AND m.category = c.category AND m.sent_at >= d.start_at AND m.sent_at < d.end_at';

export class SqliteDeliveryStats implements DeliveryStatsStore {
  private readonly counts;
  private readonly reads;

  constructor(db: Database.Database) {
    this.db = db;
    this.counts = db.prepare<[{ merchant: string; days: string }], { day: string; category: string; figures: string }>(
      `${CELLS}
       SELECT d.day, c.category,
         (SELECT json_array(count(*), coalesce(sum(m.recipients), 0), coalesce(sum(m.delivered_live), 0), coalesce(sum(m.pushed), 0),
                            coalesce(sum(m.push_failed), 0))
          FROM messages m INDEXED BY messages_sent_by_category WHERE ${IN_CELL}) AS figures
       FROM categories c CROSS JOIN days d WHERE c.category IS NOT NULL`,
    );
    // Per message: how many read it and when the first did, from message_states_first_read (a small sort per cell).
    this.reads = db.prepare<[{ merchant: string; days: string }], { day: string; category: string; figures: string | null }>(
      `${CELLS}
       SELECT d.day, c.category,
         (SELECT json_array(sum(n), json(json_group_array(seconds))) FROM (
            SELECT count(*) AS n, unixepoch(min(s.read_at), 'subsec') - unixepoch(m.sent_at, 'subsec') AS seconds
            FROM messages m INDEXED BY messages_sent_by_category
            JOIN message_states s INDEXED BY message_states_first_read ON s.message_id = m.id AND s.read = 1
            WHERE ${IN_CELL}
            GROUP BY m.id)
          HAVING count(*) > 0) AS figures
       FROM categories c CROSS JOIN days d WHERE c.category IS NOT NULL`,
    );
  }

  private readonly db: Database.Database;

  async deliveryFigures(merchantId: string, days: readonly DayWindow[]): Promise<DeliveryStatsRows> {
    const params = { merchant: merchantId, days: JSON.stringify(days) };
    // One read transaction: the counts and the reads see the same messages.
    return this.db.transaction((): DeliveryStatsRows => {
      const counts: DeliveryCountsRow[] = [];
      for (const { day, category, figures } of this.counts.all(params)) {
        const [sent, recipients, deliveredLive, pushed, pushFailed] = JSON.parse(figures) as number[];
        if (sent) counts.push({ day, category, sent, recipients: recipients!, deliveredLive: deliveredLive!, pushed: pushed!, pushFailed: pushFailed! });
      }
      const reads: ReadCellRow[] = [];
      for (const { day, category, figures } of this.reads.all(params)) {
        if (figures === null) continue;
        const [read, secondsToFirstRead] = JSON.parse(figures) as [number, number[]];
        reads.push({ day, category, read, secondsToFirstRead });
      }
      return { counts, reads };
    }).deferred();
  }
}
