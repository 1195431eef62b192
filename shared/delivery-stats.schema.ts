import { z } from 'zod';
import { categorySchema } from './message.schema.js';
import { timeZoneSchema } from './preferences.schema.js';

/** The longest range one request may ask for: a quarter, so a 90-day view always fits. */
export const MAX_STATS_DAYS = 92;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since the epoch of a `YYYY-MM-DD` calendar date, or undefined when there is no such date. */
export function dayNumberOf(day: string): number | undefined {
  const match = DAY.exec(day);
  if (!match) return undefined;
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, date);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== date) return undefined;
  return ms / 86_400_000;
}

/** The `YYYY-MM-DD` of a day number (see dayNumberOf). */
export function dayOfNumber(dayNumber: number): string {
  return new Date(dayNumber * 86_400_000).toISOString().slice(0, 10);
}

const calendarDaySchema = z.string().regex(DAY, 'must be a calendar date YYYY-MM-DD').refine((day) => dayNumberOf(day) !== undefined, 'must be a calendar date YYYY-MM-DD');

/**
 * `GET /api/v1/stats/deliveries` (merchant): the calling merchant's delivery
 * figures for the calendar days `from`..`to` (both included) as they fall in
 * `tz`. A message counts on the day it was sent (delivered or fanned out), not
 * the day it was scheduled.
 */
export const deliveryStatsQuerySchema = z
  .strictObject({
    from: calendarDaySchema,
    to: calendarDaySchema,
    tz: timeZoneSchema.default('UTC'),
  })
  .superRefine(({ from, to }, ctx) => {
    const first = dayNumberOf(from);
    const last = dayNumberOf(to);
    if (first === undefined || last === undefined) return;
    if (first > last) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
    else if (last - first + 1 > MAX_STATS_DAYS) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: `must be at most ${MAX_STATS_DAYS} days after from, counting both` });
    }
  });
export type DeliveryStatsQuery = z.infer<typeof deliveryStatsQuerySchema>;

/** What became of the messages sent in one slice (a day, a category, or both). */
export const deliveryFiguresSchema = z.object({
  /** Messages sent. */
  sent: z.number().int().nonnegative(),
  /** Shoppers they were sent to, added up. */
  recipients: z.number().int().nonnegative(),
  deliveredLive: z.number().int().nonnegative(),
  pushed: z.number().int().nonnegative(),
  pushFailed: z.number().int().nonnegative(),
  /** Shoppers who have read them (now, not on the day). */
  read: z.number().int().nonnegative(),
  /** read / recipients, 0–1; null when there were no recipients. */
  readRate: z.number().min(0).max(1).nullable(),
  /** Median, over the messages read at least once, of seconds from sending to the first read; null when none was read. */
  medianSecondsToFirstRead: z.number().nonnegative().nullable(),
});
export type DeliveryFigures = z.infer<typeof deliveryFiguresSchema>;

export const deliveryStatsResponseSchema = z.object({
  from: z.string(),
  to: z.string(),
  tz: z.string(),
  /** Every day of the range, oldest first, empty days included. */
  days: z.array(deliveryFiguresSchema.extend({ day: z.string() })),
  /** Every category sent in the range, most sent first. */
  categories: z.array(deliveryFiguresSchema.extend({ category: categorySchema })),
  /** Day × category, only the pairs with something sent. */
  cells: z.array(deliveryFiguresSchema.extend({ day: z.string(), category: categorySchema })),
  total: deliveryFiguresSchema,
});
export type DeliveryStatsResponse = z.infer<typeof deliveryStatsResponseSchema>;
