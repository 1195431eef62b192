import type { DeliveryFigures, DeliveryStatsQuery, DeliveryStatsResponse } from '../../shared/delivery-stats.schema.js';
import type { DeliveryStatsStore } from '../store/delivery-stats-store.js';
import { localDayWindows } from './local-days.js';

/** Figures being added up, with every first-read delay kept until the median is taken. */
interface Tally {
  sent: number;
  recipients: number;
  deliveredLive: number;
  pushed: number;
  pushFailed: number;
  read: number;
  secondsToFirstRead: number[];
}

function emptyTally(): Tally {
  return { sent: 0, recipients: 0, deliveredLive: 0, pushed: 0, pushFailed: 0, read: 0, secondsToFirstRead: [] };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function figuresOf(tally: Tally): DeliveryFigures {
  const { secondsToFirstRead, ...counts } = tally;
  const middle = median(secondsToFirstRead);
  return {
    ...counts,
    readRate: tally.recipients > 0 ? Math.min(1, tally.read / tally.recipients) : null,
    medianSecondsToFirstRead: middle === null ? null : Math.round(middle),
  };
}

function tallyIn<K>(map: Map<K, Tally>, key: K): Tally {
  let tally = map.get(key);
  if (!tally) {
    tally = emptyTally();
    map.set(key, tally);
  }
  return tally;
}

/**
 * The merchant's delivery figures for the local days of the query: per day
 * (every day, empty ones too), per category, per day and category, and in all.
 * Medians are taken over each slice's own messages, never of other medians.
 */
export async function deliveryStats(store: DeliveryStatsStore, merchantId: string, query: DeliveryStatsQuery): Promise<DeliveryStatsResponse> {
  const windows = localDayWindows(query.from, query.to, query.tz);
  const { counts, reads } = await store.deliveryFigures(merchantId, windows);
  const days = new Map(windows.map((window) => [window.day, emptyTally()]));
  const categories = new Map<string, Tally>();
  const cells = new Map<string, Tally & { day: string; category: string }>();
  const total = emptyTally();
  const slicesOf = (day: string, category: string): Tally[] => {
    const key = `${day} ${category}`;
    let cell = cells.get(key);
    if (!cell) {
      cell = { ...emptyTally(), day, category };
      cells.set(key, cell);
    }
    return [days.get(day)!, tallyIn(categories, category), cell, total];
  };
  for (const row of counts) {
    for (const tally of slicesOf(row.day, row.category)) {
      tally.sent += row.sent;
      tally.recipients += row.recipients;
      tally.deliveredLive += row.deliveredLive;
      tally.pushed += row.pushed;
      tally.pushFailed += row.pushFailed;
    }
  }
  for (const row of reads) {
    // Read times come from the shopper's device: a clock behind ours must not make a negative delay.
    const delays = row.secondsToFirstRead.map((seconds) => Math.max(0, seconds));
    for (const tally of slicesOf(row.day, row.category)) {
      tally.read += row.read;
      for (const seconds of delays) tally.secondsToFirstRead.push(seconds);
    }
  }
  return {
    from: query.from,
    to: query.to,
    tz: query.tz,
    days: [...days].map(([day, tally]) => ({ day, ...figuresOf(tally) })),
    categories: [...categories]
      .sort(([a, x], [b, y]) => y.sent - x.sent || a.localeCompare(b))
      .map(([category, tally]) => ({ category, ...figuresOf(tally) })),
    cells: [...cells.values()]
      .sort((a, b) => a.day.localeCompare(b.day) || a.category.localeCompare(b.category))
      .map(({ day, category, ...tally }) => ({ day, category, ...figuresOf(tally) })),
    total: figuresOf(total),
  };
}
