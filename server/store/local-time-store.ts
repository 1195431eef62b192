import { instantOfLocal, parseLocalDateTime } from '../../shared/local-time.js';
import type { LocalTimeStatus } from '../../shared/message.schema.js';
import { isKnownTimeZone, nextOccurrence } from '../../shared/recurrence.js';
import type { AppendedEvent } from './store.js';

/**
 * Messages delivered at each recipient's wall-clock time (issue 15).
 *
 * The plan is made when the message is accepted, in its transaction: every
 * recipient (a topic's subscribers as of that moment, like any broadcast) is
 * written once under the zone of their `timeZone` preference then, or the
 * fallback zone when they have none, and each zone gets one due row. A due
 * zone row is claimed and delivered in batches like a topic fan-out (keyset
 * position moved in the same transaction), so each recipient gets it once
 * across crashes and instances.
 *
 * Why at accept: the recipients and their zones are then one fixed set, so a
 * shopper is in exactly one zone group, whatever they change later, and the
 * merchant's status (first and last zone) is true from the start. The rule a
 * shopper sees: a time zone change after the message was accepted does not
 * move it; it arrives at the local time of the zone they had then. The cost is
 * one row per recipient in the accepting transaction (bench/local-time.bench.ts).
 */
export interface LocalTimeSpec {
  /** "YYYY-MM-DDTHH:MM" for a one-off delivery; absent with `cron`. */
  local?: string;
  /** A recurrence evaluated in each zone (repeat.tz "recipient"). */
  cron?: string;
  /** With `cron`: when the series starts (deliverAt), epoch ms; it never starts before now. */
  startsAt?: number;
  /** The zone of recipients without a time zone preference. */
  fallbackTz: string;
}

export interface ZonePlan {
  /** The wall-clock time in this zone, as an instant. */
  targetAt: number;
  /** When to deliver: the target, or now when the target had already passed. */
  dueAt: number;
  late: boolean;
}

/**
 * The zone whose clock is read for `zone`. A saved preference was checked against this runtime's
 * zones when saved; one this runtime no longer knows (older time zone data) reads as `otherwise`
 * rather than failing the accept or, worse, every later scheduler step.
 */
export function clockOf(zone: string, otherwise: string): string {
  return isKnownTimeZone(zone) ? zone : otherwise;
}

/** When a zone's recipients get the message; undefined when its cron never occurs there. */
export function planZone(spec: LocalTimeSpec, zone: string, now: number): ZonePlan | undefined {
  const clock = clockOf(zone, spec.fallbackTz);
  if (spec.cron !== undefined) {
    // The first occurrence at or after now (cron-parser looks strictly after, hence the millisecond).
    const targetAt = nextOccurrence(spec.cron, clock, Math.max(spec.startsAt ?? now, now) - 1);
    return targetAt === undefined ? undefined : { targetAt, dueAt: targetAt, late: false };
  }
  const targetAt = instantOfLocal(parseLocalDateTime(spec.local!)!, clock);
  // Already past there: at once, never lost, and counted as late.
  return { targetAt, dueAt: Math.max(targetAt, now), late: targetAt < now };
}

/** The row both stores keep per (message, zone). */
export interface LocalTimeZoneRow {
  message_id: string;
  zone: string;
  target_at: number;
  due_at: number | null;
  recipients: number;
  pending: number;
  sent: number;
  late: number;
  after_user_id: string;
  local_at: string | null;
  cron: string | null;
  fallback_tz: string;
  occurrences: number;
}

export interface LocalTimeDueResult {
  events: AppendedEvent[];
  /** Recipients reached in this step. */
  delivered: number;
  /** Messages whose stored content could not be read: cancelled rather than left to block every later step. */
  unreadable?: string[];
}

export interface LocalTimeStore {
  /** Delivers up to `limit` recipients of due zones, in one transaction. */
  deliverDue(now: number, limit: number): Promise<LocalTimeDueResult>;
  /** Epoch ms of the earliest pending zone, so the scheduler can sleep until then. */
  nextDueAt(): Promise<number | undefined>;
  /** The per-zone figures of a local-time message; undefined for any other message. */
  status(messageId: string): Promise<LocalTimeStatus | undefined>;
}

/** Figures for `GET /api/v1/messages/:id` from a message's zone rows (zones in the order they are due). */
export function toLocalTimeStatus(rows: readonly LocalTimeZoneRow[]): LocalTimeStatus | undefined {
  if (rows.length === 0) return undefined;
  const zones = [...rows]
    .sort((a, b) => a.target_at - b.target_at || a.zone.localeCompare(b.zone))
    .map((row) => ({
      zone: row.zone,
      at: new Date(row.target_at).toISOString(),
      recipients: row.recipients,
      scheduled: row.due_at === null ? 0 : row.pending,
      sent: row.sent,
      late: row.late,
    }));
  const sum = (field: 'scheduled' | 'sent' | 'late') => zones.reduce((total, zone) => total + zone[field], 0);
  const first = zones[0]!;
  const last = zones[zones.length - 1]!;
  const asked = rows[0]!;
  return {
    deliverAtLocal: asked.local_at,
    cron: asked.cron,
    fallbackTz: asked.fallback_tz,
    scheduled: sum('scheduled'),
    sent: sum('sent'),
    late: sum('late'),
    first: { zone: first.zone, at: first.at },
    last: { zone: last.zone, at: last.at },
    zones,
  };
}
