import type Database from 'better-sqlite3';
import { winningFields, type MessageState } from '../../../shared/message-state-merge.js';
import { preferencesSchema } from '../../../shared/preferences.schema.js';
import type { AppendedEvent, MessageStatesResult, MessageStateUpdate, StoredPreferences } from '../store.js';
import { stateColumns, toState, type StateRow } from '../store-rows.js';
import { readFact } from '../../webhooks/event-facts.js';
import type { EventFact } from '../../webhooks/webhook-store.js';

/**
 * The SQLite side of per-shopper message state and preferences. Methods are
 * synchronous and run inside the caller's transaction, which also appends
 * the events (`appendEvent`), so a stored change is never without its event.
 */
export class ShopperStateTables {
  private readonly statements;

  constructor(
    db: Database.Database,
    /** Appends an event to the shopper's log in the current transaction; returns its seq. */
    private readonly appendEvent: (userId: string, kind: string, payloadJson: string) => number,
    /** Records `message.read` for the merchant in the current transaction (issue 10). */
    private readonly outbox?: { recordForMessage(fact: EventFact): boolean },
  ) {
    this.statements = {
      // Received means the message was appended to this shopper's log.
      received: db.prepare<[string, string], { one: number }>(
        `SELECT 1 AS one FROM events WHERE message_id = ? AND user_id = ? AND kind = 'message' LIMIT 1`,
      ),
      getState: db.prepare<[string, string], StateRow>(
        `SELECT read, read_at, archived, archived_at, deleted, deleted_at FROM message_states
         WHERE user_id = ? AND message_id = ?`,
      ),
      putState: db.prepare(
        `INSERT INTO message_states (user_id, message_id, read, read_at, archived, archived_at, deleted, deleted_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (user_id, message_id) DO UPDATE SET read = excluded.read, read_at = excluded.read_at,
           archived = excluded.archived, archived_at = excluded.archived_at,
           deleted = excluded.deleted, deleted_at = excluded.deleted_at`,
      ),
      getPreferences: db.prepare<[string], { preferences_json: string; changed_at: string }>(
        'SELECT preferences_json, changed_at FROM shopper_preferences WHERE user_id = ?',
      ),
      putPreferences: db.prepare<[string, string, string]>(
        `INSERT INTO shopper_preferences (user_id, preferences_json, changed_at) VALUES (?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET preferences_json = excluded.preferences_json, changed_at = excluded.changed_at`,
      ),
    };
  }

  applyMessageStates(userId: string, changes: readonly MessageStateUpdate[]): MessageStatesResult {
    const appended: AppendedEvent[] = [];
    let ignored = 0;
    for (const { messageId, state: change } of changes) {
      if (!this.statements.received.get(messageId, userId)) {
        ignored++;
        continue;
      }
      const row = this.statements.getState.get(userId, messageId);
      const current = row ? toState(row) : {};
      const winners = winningFields(current, change);
      if (!winners) {
        ignored++;
        continue;
      }
      // Several changes to one message in one request are applied in turn, each against the last.
      const next: MessageState = { ...current, ...winners };
      // better-sqlite3 binds no booleans: flags are stored as 0 or 1.
      this.statements.putState.run(userId, messageId, ...stateColumns(next, (value) => (value ? 1 : 0)));
      const seq = this.appendEvent(userId, 'state', JSON.stringify({ messageId, state: winners }));
      if (winners.read?.value) this.outbox?.recordForMessage(readFact(messageId, userId, winners.read.at));
      appended.push({ userId, event: { seq, kind: 'state', messageId, state: winners } });
    }
    return { applied: appended.length, ignored, appended };
  }

  getMessageState(userId: string, messageId: string): MessageState | undefined {
    const row = this.statements.getState.get(userId, messageId);
    return row && toState(row);
  }

  getPreferences(userId: string): StoredPreferences | undefined {
    const row = this.statements.getPreferences.get(userId);
    return row && { preferences: preferencesSchema.parse(JSON.parse(row.preferences_json)), changedAt: row.changed_at };
  }

  savePreferences(userId: string, update: StoredPreferences): { current: StoredPreferences; appended?: AppendedEvent } {
    const stored = this.getPreferences(userId);
    // Later wins; on the same instant the stored one stays (the device adopts what the answer returns).
    if (stored && Date.parse(update.changedAt) <= Date.parse(stored.changedAt)) return { current: stored };
    this.statements.putPreferences.run(userId, JSON.stringify(update.preferences), update.changedAt);
    const seq = this.appendEvent(userId, 'preferences', JSON.stringify(update));
    return { current: update, appended: { userId, event: { seq, kind: 'preferences', ...update } } };
  }
}
