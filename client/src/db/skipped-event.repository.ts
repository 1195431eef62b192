import { db, type SkipReason, type SkippedRow } from './db.js';

/**
 * The record of events this device passed over (see sync/apply-events.ts).
 * One row per seq, so a replay of the same event records it once; only the
 * newest few are kept, since a server that sends nothing but bad events must
 * not fill the device.
 */

/** How many skipped events are remembered; older rows are dropped. */
export const SKIPPED_KEPT = 100;

export interface SkippedEventInput {
  seq: number;
  /** The event's own kind, when it could be read. */
  eventKind?: string;
  messageId?: string;
  reason: SkipReason;
}

/** Only inside a transaction that includes `db.skipped` (applyEvents' own). */
export async function recordSkipped(event: SkippedEventInput, at: string): Promise<void> {
  const row: SkippedRow = {
    seq: event.seq,
    reason: event.reason,
    at,
    // Only a message is something the shopper misses; another kind (a state
    // change, one a newer server added) leaves the inbox as it was.
    visible: event.eventKind === 'message' ? 1 : 0,
  };
  if (event.eventKind !== undefined) row.kind = event.eventKind;
  if (event.messageId !== undefined) row.messageId = event.messageId;
  await db.skipped.put(row);
  const excess = (await db.skipped.count()) - SKIPPED_KEPT;
  if (excess > 0) await db.skipped.orderBy('seq').limit(excess).delete();
}

/** Messages skipped that the inbox still mentions: an index count, for a live query. */
export function countVisibleSkipped(): Promise<number> {
  return db.skipped.where('visible').equals(1).count();
}

/** The shopper read the notice: keep the record, stop mentioning it. */
export function dismissSkipped(): Promise<number> {
  return db.skipped.where('visible').equals(1).modify({ visible: 0 });
}

/** Everything recorded, oldest first: for tests and whoever debugs a device. */
export function listSkipped(): Promise<SkippedRow[]> {
  return db.skipped.orderBy('seq').toArray();
}
