/**
 * What the delivery dashboard reads from a store (issue 11). The store only
 * adds up rows within windows it is given; which instants bound a local day,
 * and the medians, are worked out once in server/stats/delivery-stats.ts.
 */

/** One local day of the range: messages whose sent_at is in [start, end), both ISO 8601 UTC. */
export interface DayWindow {
  day: string;
  start: string;
  end: string;
}

/** Messages sent in one day and category, their figures added up. */
export interface DeliveryCountsRow {
  day: string;
  category: string;
  sent: number;
  recipients: number;
  deliveredLive: number;
  pushed: number;
  pushFailed: number;
}

/** The messages of one day and category that someone read: shoppers who did, and each message's seconds from sending to its first read. */
export interface ReadCellRow {
  day: string;
  category: string;
  read: number;
  /** One per message read at least once (may be below 0 when a device's clock is behind). */
  secondsToFirstRead: number[];
}

/** Both halves of the dashboard's figures, read from one snapshot so they agree. */
export interface DeliveryStatsRows {
  counts: DeliveryCountsRow[];
  reads: ReadCellRow[];
}

export interface DeliveryStatsStore {
  /**
   * The merchant's messages sent within the windows (which must not overlap), added up by day
   * and category, and their reads (only the day × category pairs with one).
   */
  deliveryFigures(merchantId: string, days: readonly DayWindow[]): Promise<DeliveryStatsRows>;
}
