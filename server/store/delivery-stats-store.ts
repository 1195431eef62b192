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

/** One message that someone read: how many shoppers did, and when it went out and was first read (ISO 8601). */
export interface ReadMessageRow {
  day: string;
  category: string;
  reads: number;
  sentAt: string;
  firstReadAt: string;
}

export interface DeliveryStatsStore {
  /** The merchant's messages sent within the windows (which must not overlap), by day and category. */
  deliveryCounts(merchantId: string, days: readonly DayWindow[]): Promise<DeliveryCountsRow[]>;
  /** The merchant's messages sent within the windows that at least one shopper has read. */
  readMessages(merchantId: string, days: readonly DayWindow[]): Promise<ReadMessageRow[]>;
}
