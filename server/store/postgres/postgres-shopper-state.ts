import type { PoolClient } from 'pg';
import { winningFields, type MessageState } from '../../../shared/message-state-merge.js';
import { preferencesSchema } from '../../../shared/preferences.schema.js';
import type { AppendedEvent, MessageStatesResult, MessageStateUpdate, StoredPreferences } from '../store.js';
import { stateColumns, toState, type StateRow } from '../store-rows.js';
import { appendEvent } from './postgres-event-log.js';
import { recordForMessage } from './postgres-event-outbox.js';
import { readFact } from '../../webhooks/event-facts.js';

/**
 * The PostgreSQL side of per-shopper message state and preferences. Every
 * method runs on the caller's client; the writing ones inside its
 * transaction, which also appends the events, so a stored change is never
 * without its event. Rows are read FOR UPDATE so two instances merging
 * changes to one message apply them one after the other, each against the
 * other's result (last writer wins per field, never lost).
 */
export class PostgresShopperState {
  async applyMessageStates(client: PoolClient, userId: string, changes: readonly MessageStateUpdate[]): Promise<MessageStatesResult> {
    const appended: AppendedEvent[] = [];
    let ignored = 0;
    for (const { messageId, state: change } of changes) {
      // Received means the message was appended to this shopper's log.
      const received = await client.query(
        `SELECT 1 FROM events WHERE message_id = $1 AND user_id = $2 AND kind = 'message' LIMIT 1`,
        [messageId, userId],
      );
      if (received.rowCount === 0) {
        ignored++;
        continue;
      }
      // Lock the shopper's log first (the same order every writer uses), then the state row.
      await client.query(
        `INSERT INTO shoppers (user_id, last_seq) VALUES ($1, 0) ON CONFLICT (user_id) DO UPDATE SET last_seq = shoppers.last_seq`,
        [userId],
      );
      const { rows } = await client.query<StateRow>(
        `SELECT read, read_at, archived, archived_at, deleted, deleted_at FROM message_states
         WHERE user_id = $1 AND message_id = $2 FOR UPDATE`,
        [userId, messageId],
      );
      const current = rows[0] ? toState(rows[0]) : {};
      const winners = winningFields(current, change);
      if (!winners) {
        ignored++;
        continue;
      }
      // Several changes to one message in one request are applied in turn, each against the last.
      const next: MessageState = { ...current, ...winners };
      await client.query(
        `INSERT INTO message_states (user_id, message_id, read, read_at, archived, archived_at, deleted, deleted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (user_id, message_id) DO UPDATE SET read = excluded.read, read_at = excluded.read_at,
           archived = excluded.archived, archived_at = excluded.archived_at,
           deleted = excluded.deleted, deleted_at = excluded.deleted_at`,
        [userId, messageId, ...stateColumns(next, (value) => value)],
      );
      const seq = await appendEvent(client, userId, {
        kind: 'state',
        messageId,
        payloadJson: JSON.stringify({ messageId, state: winners }),
        createdAt: new Date().toISOString(),
      });
      if (winners.read?.value) await recordForMessage(client, readFact(messageId, userId, winners.read.at));
      appended.push({ userId, event: { seq, kind: 'state', messageId, state: winners } });
    }
    return { applied: appended.length, ignored, appended };
  }

  async getMessageState(client: PoolClient, userId: string, messageId: string): Promise<MessageState | undefined> {
    const { rows } = await client.query<StateRow>(
      `SELECT read, read_at, archived, archived_at, deleted, deleted_at FROM message_states
       WHERE user_id = $1 AND message_id = $2`,
      [userId, messageId],
    );
    return rows[0] && toState(rows[0]);
  }

  async getPreferences(client: PoolClient, userId: string, lock = false): Promise<StoredPreferences | undefined> {
    const { rows } = await client.query<{ preferences_json: string; changed_at: string }>(
      `SELECT preferences_json, changed_at FROM shopper_preferences WHERE user_id = $1${lock ? ' FOR UPDATE' : ''}`,
      [userId],
    );
    const row = rows[0];
    return row && { preferences: preferencesSchema.parse(JSON.parse(row.preferences_json)), changedAt: row.changed_at };
  }

  async savePreferences(
    client: PoolClient,
    userId: string,
    update: StoredPreferences,
  ): Promise<{ current: StoredPreferences; appended?: AppendedEvent }> {
    // Take the shopper's log lock first: it serialises two instances saving at once, so the
    // comparison below sees the other's committed value instead of both winning.
    await client.query(
      `INSERT INTO shoppers (user_id, last_seq) VALUES ($1, 0) ON CONFLICT (user_id) DO UPDATE SET last_seq = shoppers.last_seq`,
      [userId],
    );
    const stored = await this.getPreferences(client, userId, true);
    // Later wins; on the same instant the stored one stays (the device adopts what the answer returns).
    if (stored && Date.parse(update.changedAt) <= Date.parse(stored.changedAt)) return { current: stored };
    await client.query(
      `INSERT INTO shopper_preferences (user_id, preferences_json, changed_at) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET preferences_json = excluded.preferences_json, changed_at = excluded.changed_at`,
      [userId, JSON.stringify(update.preferences), update.changedAt],
    );
    const seq = await appendEvent(client, userId, {
      kind: 'preferences',
      messageId: null,
      payloadJson: JSON.stringify(update),
      createdAt: new Date().toISOString(),
    });
    return { current: update, appended: { userId, event: { seq, kind: 'preferences', ...update } } };
  }
}
