import type Database from 'better-sqlite3';
import type { LocalTimeStatus, Message, Recipients } from '../../../shared/message.schema.js';
import { nextOccurrence } from '../../../shared/recurrence.js';
import {
  clockOf,
  planZone,
  toLocalTimeStatus,
  type LocalTimeDueResult,
  type LocalTimeSpec,
  type LocalTimeStore,
  type LocalTimeZoneRow,
} from '../local-time-store.js';
import { occurrenceOf } from '../message-lifecycle.js';
import type { AppendedEvent } from '../store.js';
import { readStoredMessage, type MessageRow } from '../store-rows.js';

/** A shopper's zone: their saved preference, else the fallback (the parameter here). */
const ZONE_OF = `COALESCE(json_extract(p.preferences_json, '$.timeZone'), ?)`;

function prepare(db: Database.Database) {
  const p = <P extends unknown[], R = unknown>(sql: string) => db.prepare<P, R>(sql);
  return {
    planUser: p<[string, string, string]>(
      `INSERT OR IGNORE INTO local_time_recipients (message_id, zone, user_id)
       SELECT ?, ${ZONE_OF}, u.id FROM (SELECT ? AS id) u LEFT JOIN shopper_preferences p ON p.user_id = u.id`,
    ),
    planTopic: p<[string, string, string, number]>(
      `INSERT INTO local_time_recipients (message_id, zone, user_id)
       SELECT ?, ${ZONE_OF}, s.user_id
       FROM topic_subscriptions s LEFT JOIN shopper_preferences p ON p.user_id = s.user_id
       WHERE s.topic = ? AND s.subscribed_at <= ?`,
    ),
    zonesPlanned: p<[string], { zone: string; n: number }>(
      'SELECT zone, COUNT(*) AS n FROM local_time_recipients WHERE message_id = ? GROUP BY zone',
    ),
    dropZoneRecipients: p<[string, string]>('DELETE FROM local_time_recipients WHERE message_id = ? AND zone = ?'),
    insertZone: p<[string, string, number, number, number, number, number, string | null, string | null, string]>(
      `INSERT INTO local_time_zones (message_id, zone, target_at, due_at, recipients, pending, late, local_at, cron, fallback_tz)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    dueZones: p<[number, number], LocalTimeZoneRow>(
      'SELECT * FROM local_time_zones WHERE due_at IS NOT NULL AND due_at <= ? ORDER BY due_at LIMIT ?',
    ),
    nextDue: p<[], { due_at: number }>('SELECT due_at FROM local_time_zones WHERE due_at IS NOT NULL ORDER BY due_at LIMIT 1'),
    recipientsAfter: p<[string, string, string, number], { user_id: string }>(
      `SELECT user_id FROM local_time_recipients WHERE message_id = ? AND zone = ? AND user_id > ? ORDER BY user_id LIMIT ?`,
    ),
    progress: p<[number, number, string, string, string]>(
      `UPDATE local_time_zones SET pending = pending - ?, sent = sent + ?, after_user_id = ? WHERE message_id = ? AND zone = ?`,
    ),
    finish: p<[number, string, string]>(
      `UPDATE local_time_zones SET due_at = NULL, pending = 0, sent = sent + ? WHERE message_id = ? AND zone = ?`,
    ),
    rearm: p<[number, number, number, string, string]>(
      `UPDATE local_time_zones SET target_at = ?, due_at = ?, pending = recipients, sent = sent + ?, after_user_id = '',
       occurrences = occurrences + 1 WHERE message_id = ? AND zone = ?`,
    ),
    stopAll: p<[string]>('UPDATE local_time_zones SET due_at = NULL, pending = 0 WHERE message_id = ?'),
    dropRecipients: p<[string]>('DELETE FROM local_time_recipients WHERE message_id = ?'),
    reached: p<[string], { one: number }>(
      'SELECT 1 AS one FROM local_time_zones WHERE message_id = ? AND cron IS NULL AND sent > 0 LIMIT 1',
    ),
    pendingZones: p<[string], { n: number }>('SELECT COUNT(*) AS n FROM local_time_zones WHERE message_id = ? AND due_at IS NOT NULL'),
    zonesOf: p<[string], LocalTimeZoneRow>('SELECT * FROM local_time_zones WHERE message_id = ?'),
    getMessage: p<[string], MessageRow>('SELECT id, merchant_id, message_json, status, target_json FROM messages WHERE id = ?'),
    insertOccurrence: p<[string, string, string, string, string, string]>(
      `INSERT OR IGNORE INTO messages (id, merchant_id, message_json, recipients, created_at, status, target_json, reply_to, category)
       VALUES (?, ?, ?, 0, ?, 'sent', ?, NULL, ?)`,
    ),
    setStatus: p<[string, string]>('UPDATE messages SET status = ? WHERE id = ?'),
    // The first zone to go out is the day the delivery dashboard counts the message under.
    addRecipients: p<[number, string, string]>('UPDATE messages SET recipients = recipients + ?, sent_at = coalesce(sent_at, ?) WHERE id = ?'),
  };
}

/** Appends a message event for each shopper and queues their pushes, inside the caller's transaction. */
export type AppendMessage = (message: Message, userIds: readonly string[], now: number) => AppendedEvent[];

/**
 * SQLite side of local-time delivery (see local-time-store.ts). plan and
 * stop run inside the lifecycle's accept and cancel transactions; deliverDue
 * is its own transaction, like the scheduler's.
 */
export class SqliteLocalTime implements LocalTimeStore {
  private readonly s;

  constructor(
    private readonly db: Database.Database,
    private readonly appendMessage: AppendMessage,
  ) {
    this.s = prepare(db);
  }

  /** Inside the accept transaction: every recipient under their zone, one due row per zone. */
  plan(messageId: string, target: Recipients, spec: LocalTimeSpec, now: number): void {
    if (target.topic !== undefined) this.s.planTopic.run(messageId, spec.fallbackTz, target.topic, now);
    else for (const userId of target.userIds!) this.s.planUser.run(messageId, spec.fallbackTz, userId);
    let planned = 0;
    for (const { zone, n } of this.s.zonesPlanned.all(messageId)) {
      const plan = planZone(spec, zone, now);
      // A cron that never occurs in this zone: nobody there is waiting for it.
      if (!plan) {
        this.s.dropZoneRecipients.run(messageId, zone);
        continue;
      }
      const late = plan.late ? n : 0;
      this.s.insertZone.run(messageId, zone, plan.targetAt, plan.dueAt, n, n, late, spec.local ?? null, spec.cron ?? null, spec.fallbackTz);
      planned++;
    }
    // Nobody to wait for (a topic without subscribers): done now, as a broadcast to nobody would be.
    if (planned === 0) this.s.setStatus.run('sent', messageId);
  }

  /** Inside the cancel transaction: no pending zone goes out; those already reached keep it. */
  stop(messageId: string): void {
    this.s.stopAll.run(messageId);
    this.s.dropRecipients.run(messageId);
  }

  /** Inside the retract transaction: true when a one-off local-time message went out to some zone already. */
  reached(messageId: string): boolean {
    return this.s.reached.get(messageId) !== undefined;
  }

  async deliverDue(now: number, limit: number): Promise<LocalTimeDueResult> {
    return this.db.transaction((): LocalTimeDueResult => {
      const result: LocalTimeDueResult = { events: [], delivered: 0 };
      let budget = limit;
      for (const zone of this.s.dueZones.all(now, limit)) {
        if (budget <= 0) break;
        const row = this.s.getMessage.get(zone.message_id)!;
        const template = readStoredMessage(row.message_json);
        if (!template) {
          this.stop(row.id);
          this.s.setStatus.run('cancelled', row.id);
          (result.unreadable ??= []).push(row.id);
          continue;
        }
        // Expiry wins over delivery: a promotion that ended while a zone waited is not sent there.
        const expired = template.expiresAt !== undefined && Date.parse(template.expiresAt) <= now;
        // An occurrence retracted after the first zones got it reaches no other zone; the next one does.
        const retracted = zone.cron !== null && this.s.getMessage.get(`${row.id}.${zone.occurrences + 1}`)?.status === 'retracted';
        const users = expired || retracted ? [] : this.s.recipientsAfter.all(row.id, zone.zone, zone.after_user_id, budget).map((u) => u.user_id);
        if (users.length > 0) {
          const message = zone.cron === null ? template : this.occurrence(template, row, zone, now);
          const events = this.appendMessage(message, users, now);
          this.s.addRecipients.run(events.length, new Date(now).toISOString(), message.id);
          result.events.push(...events);
          result.delivered += users.length;
        }
        const cutByBudget = users.length === budget;
        budget -= users.length;
        // More of this zone next step; the position moves in this transaction, so none gets it twice.
        if (cutByBudget) this.s.progress.run(users.length, users.length, users[users.length - 1]!, row.id, zone.zone);
        else this.finishZone(row, zone, users.length, expired, now);
      }
      return result;
    })();
  }

  /** The zone's last batch went out: a recurrence moves to its next local occurrence, a one-off is done. */
  private finishZone(row: MessageRow, zone: LocalTimeZoneRow, sent: number, expired: boolean, now: number): void {
    const following = zone.cron === null || expired ? undefined : nextOccurrence(zone.cron, clockOf(zone.zone, 'UTC'), now);
    if (following !== undefined) {
      this.s.rearm.run(following, following, sent, row.id, zone.zone);
      return;
    }
    this.s.finish.run(sent, row.id, zone.zone);
    this.s.dropZoneRecipients.run(row.id, zone.zone);
    if (this.s.pendingZones.get(row.id)!.n > 0) return;
    const reachedAnyone = this.s.zonesOf.all(row.id).some((z) => z.sent > 0);
    this.s.setStatus.run(reachedAnyone || !expired ? 'sent' : 'expired', row.id);
  }

  /**
   * The recurrence's n-th occurrence: one message for every zone's n-th, written by the first zone to reach it.
   * A later zone sends it as stored, so a correction made after the first zones got it reaches the rest.
   */
  private occurrence(template: Message, row: MessageRow, zone: LocalTimeZoneRow, now: number): Message {
    const occurrence = occurrenceOf(template, { message_id: row.id, occurrences: zone.occurrences, due_at: zone.target_at }, now);
    const written = this.s.insertOccurrence.run(occurrence.id, row.merchant_id, JSON.stringify(occurrence), occurrence.createdAt, row.target_json!, occurrence.category);
    if (written.changes === 1) return occurrence;
    return readStoredMessage(this.s.getMessage.get(occurrence.id)!.message_json) ?? occurrence;
  }

  async nextDueAt(): Promise<number | undefined> {
    return this.s.nextDue.get()?.due_at;
  }

  async status(messageId: string): Promise<LocalTimeStatus | undefined> {
    return toLocalTimeStatus(this.s.zonesOf.all(messageId));
  }
}
