import type { Pool, PoolClient } from 'pg';
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
import { withTransaction } from './transaction.js';

/** A shopper's zone: their saved preference, else the fallback ($2). */
const ZONE_OF = `COALESCE(p.preferences_json::json ->> 'timeZone', $2)`;

/** Appends a message event for each shopper and queues their pushes, inside the caller's transaction. */
export type AppendMessage = (client: PoolClient, message: Message, userIds: readonly string[], now: number) => Promise<AppendedEvent[]>;

/**
 * PostgreSQL side of local-time delivery, one to one with SqliteLocalTime.
 * Due zones are claimed with FOR UPDATE SKIP LOCKED, so instances deliver
 * different zones at once and never the same batch twice.
 */
export class PostgresLocalTime implements LocalTimeStore {
  constructor(
    private readonly pool: Pool,
    private readonly appendMessage: AppendMessage,
  ) {}

  /** Inside the accept transaction: every recipient under their zone, one due row per zone. */
  async plan(client: PoolClient, messageId: string, target: Recipients, spec: LocalTimeSpec, now: number): Promise<void> {
    if (target.topic !== undefined) {
      await client.query(
        `INSERT INTO local_time_recipients (message_id, zone, user_id)
         SELECT $1, ${ZONE_OF}, s.user_id FROM topic_subscriptions s LEFT JOIN shopper_preferences p ON p.user_id = s.user_id
         WHERE s.topic = $3 AND s.subscribed_at <= $4`,
        [messageId, spec.fallbackTz, target.topic, now],
      );
    } else {
      await client.query(
        `INSERT INTO local_time_recipients (message_id, zone, user_id)
         SELECT DISTINCT $1, ${ZONE_OF}, u.id FROM unnest($3::text[]) AS u(id) LEFT JOIN shopper_preferences p ON p.user_id = u.id`,
        [messageId, spec.fallbackTz, target.userIds],
      );
    }
    const { rows: zones } = await client.query<{ zone: string; n: number }>(
      'SELECT zone, COUNT(*)::int AS n FROM local_time_recipients WHERE message_id = $1 GROUP BY zone',
      [messageId],
    );
    let planned = 0;
    for (const { zone, n } of zones) {
      const plan = planZone(spec, zone, now);
      // A cron that never occurs in this zone: nobody there is waiting for it.
      if (!plan) {
        await client.query('DELETE FROM local_time_recipients WHERE message_id = $1 AND zone = $2', [messageId, zone]);
        continue;
      }
      await client.query(
        `INSERT INTO local_time_zones (message_id, zone, target_at, due_at, recipients, pending, late, local_at, cron, fallback_tz)
         VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8, $9)`,
        [messageId, zone, plan.targetAt, plan.dueAt, n, plan.late ? n : 0, spec.local ?? null, spec.cron ?? null, spec.fallbackTz],
      );
      planned++;
    }
    // Nobody to wait for (a topic without subscribers): done now, as a broadcast to nobody would be.
    if (planned === 0) await client.query(`UPDATE messages SET status = 'sent' WHERE id = $1`, [messageId]);
  }

  /**
   * Inside the cancel transaction, before it reads the status: a zone being delivered right now is
   * locked, so this waits for that commit, and the status read after it is the final word.
   */
  async stop(client: PoolClient, messageId: string): Promise<void> {
    await client.query('UPDATE local_time_zones SET due_at = NULL, pending = 0 WHERE message_id = $1', [messageId]);
    await client.query('DELETE FROM local_time_recipients WHERE message_id = $1', [messageId]);
  }

  /**
   * Inside the retract transaction, before it locks the message: true when a one-off local-time
   * message went out to some zone already. Its zones are locked first, in the order deliverDue
   * takes them (zones, then the message), so a zone being delivered right now is waited for.
   */
  async reached(client: PoolClient, messageId: string): Promise<boolean> {
    const { rows } = await client.query<{ cron: string | null; sent: number }>(
      'SELECT cron, sent FROM local_time_zones WHERE message_id = $1 FOR UPDATE',
      [messageId],
    );
    return rows.some((zone) => zone.cron === null && zone.sent > 0);
  }

  async deliverDue(now: number, limit: number): Promise<LocalTimeDueResult> {
    return withTransaction(this.pool, async (client): Promise<LocalTimeDueResult> => {
      const result: LocalTimeDueResult = { events: [], delivered: 0 };
      const { rows: due } = await client.query<LocalTimeZoneRow>(
        `SELECT * FROM local_time_zones WHERE due_at IS NOT NULL AND due_at <= $1
         ORDER BY due_at, message_id, zone LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [now, limit],
      );
      let budget = limit;
      for (const zone of due) {
        if (budget <= 0) break;
        const row = (await this.message(client, zone.message_id))!;
        const template = readStoredMessage(row.message_json);
        if (!template) {
          await this.stop(client, row.id);
          await client.query(`UPDATE messages SET status = 'cancelled' WHERE id = $1`, [row.id]);
          (result.unreadable ??= []).push(row.id);
          continue;
        }
        // Expiry wins over delivery: a promotion that ended while a zone waited is not sent there.
        const expired = template.expiresAt !== undefined && Date.parse(template.expiresAt) <= now;
        // An occurrence retracted after the first zones got it reaches no other zone; the next one does.
        // Locked, so a retraction of it running now is waited for (zones, then message: retract's order).
        const retracted = zone.cron !== null && (await this.message(client, `${row.id}.${zone.occurrences + 1}`, true))?.status === 'retracted';
        const users = expired || retracted
          ? []
          : (
              await client.query<{ user_id: string }>(
                `SELECT user_id FROM local_time_recipients WHERE message_id = $1 AND zone = $2 AND user_id > $3
                 ORDER BY user_id LIMIT $4`,
                [row.id, zone.zone, zone.after_user_id, budget],
              )
            ).rows.map((u) => u.user_id);
        if (users.length > 0) {
          const message = zone.cron === null ? template : await this.occurrence(client, template, row, zone, now);
          const events = await this.appendMessage(client, message, users, now);
          // The first zone to go out is the day the delivery dashboard counts the message under.
          await client.query('UPDATE messages SET recipients = recipients + $1, sent_at = coalesce(sent_at, $2) WHERE id = $3', [
            events.length,
            new Date(now).toISOString(),
            message.id,
          ]);
          result.events.push(...events);
          result.delivered += users.length;
        }
        const cutByBudget = users.length === budget;
        budget -= users.length;
        // More of this zone next step; the position moves in this transaction, so none gets it twice.
        if (cutByBudget) {
          await client.query(
            `UPDATE local_time_zones SET pending = pending - $1, sent = sent + $1, after_user_id = $2 WHERE message_id = $3 AND zone = $4`,
            [users.length, users[users.length - 1], row.id, zone.zone],
          );
        } else {
          await this.finishZone(client, row, zone, users.length, expired, now);
        }
      }
      return result;
    });
  }

  /** The zone's last batch went out: a recurrence moves to its next local occurrence, a one-off is done. */
  private async finishZone(client: PoolClient, row: MessageRow, zone: LocalTimeZoneRow, sent: number, expired: boolean, now: number): Promise<void> {
    const following = zone.cron === null || expired ? undefined : nextOccurrence(zone.cron, clockOf(zone.zone, 'UTC'), now);
    if (following !== undefined) {
      await client.query(
        `UPDATE local_time_zones SET target_at = $1, due_at = $1, pending = recipients, sent = sent + $2, after_user_id = '',
         occurrences = occurrences + 1 WHERE message_id = $3 AND zone = $4`,
        [following, sent, row.id, zone.zone],
      );
      return;
    }
    await client.query('UPDATE local_time_zones SET due_at = NULL, pending = 0, sent = sent + $1 WHERE message_id = $2 AND zone = $3', [
      sent,
      row.id,
      zone.zone,
    ]);
    await client.query('DELETE FROM local_time_recipients WHERE message_id = $1 AND zone = $2', [row.id, zone.zone]);
    // Locked first: an instance finishing another zone of this message at the same time waits here, and
    // the count after the lock sees its commit, so exactly one of them sees no zone left and sets the status.
    await this.message(client, row.id, true);
    const { rows } = await client.query<{ pending: number; reached: number }>(
      `SELECT COUNT(*) FILTER (WHERE due_at IS NOT NULL)::int AS pending, COUNT(*) FILTER (WHERE sent > 0)::int AS reached
       FROM local_time_zones WHERE message_id = $1`,
      [row.id],
    );
    if (rows[0]!.pending > 0) return;
    await client.query('UPDATE messages SET status = $1 WHERE id = $2', [rows[0]!.reached > 0 || !expired ? 'sent' : 'expired', row.id]);
  }

  /**
   * The recurrence's n-th occurrence: one message for every zone's n-th, written by the first zone to reach it.
   * A later zone sends it as stored, so a correction made after the first zones got it reaches the rest.
   */
  private async occurrence(client: PoolClient, template: Message, row: MessageRow, zone: LocalTimeZoneRow, now: number): Promise<Message> {
    const occurrence = occurrenceOf(template, { message_id: row.id, occurrences: zone.occurrences, due_at: zone.target_at }, now);
    const written = await client.query(
      `INSERT INTO messages (id, merchant_id, message_json, recipients, created_at, status, target_json, reply_to, category)
       VALUES ($1, $2, $3, 0, $4, 'sent', $5, NULL, $6) ON CONFLICT (id) DO NOTHING`,
      [occurrence.id, row.merchant_id, JSON.stringify(occurrence), occurrence.createdAt, row.target_json, occurrence.category],
    );
    if (written.rowCount === 1) return occurrence;
    return readStoredMessage((await this.message(client, occurrence.id))!.message_json) ?? occurrence;
  }

  private async message(client: PoolClient, id: string, lock = false): Promise<MessageRow | undefined> {
    const { rows } = await client.query<MessageRow>(
      `SELECT id, merchant_id, message_json, status, target_json FROM messages WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0];
  }

  async nextDueAt(): Promise<number | undefined> {
    const { rows } = await this.pool.query<{ due_at: number }>(
      'SELECT due_at FROM local_time_zones WHERE due_at IS NOT NULL ORDER BY due_at LIMIT 1',
    );
    return rows[0]?.due_at;
  }

  async status(messageId: string): Promise<LocalTimeStatus | undefined> {
    const { rows } = await this.pool.query<LocalTimeZoneRow>('SELECT * FROM local_time_zones WHERE message_id = $1', [messageId]);
    return toLocalTimeStatus(rows);
  }
}
