import { winsOver, type StampedFlag, type StateField } from '../../../shared/message-state-merge.js';
import type { MessageStateChange } from '../../../shared/message-state.schema.js';
import { db, type OutboxRow, type StoredMessage } from './db.js';
import { refreshThreadHeads, withDerived } from './message.repository.js';

/**
 * Read, archived and deleted, as this device holds them: each field with the
 * instant it was set, resolved per field by last-writer-wins
 * (shared/message-state-merge.ts, the same rule the server applies). Local
 * changes and changes from other devices go through the same merge, so the
 * order in which a device hears of them does not matter.
 */

const STAMP = { read: 'readAt', archived: 'archivedAt', deleted: 'deletedAt' } as const;
const FIELDS: readonly StateField[] = ['read', 'archived', 'deleted'];

export function stampOf(row: StoredMessage, field: StateField): StampedFlag | undefined {
  const at = row[STAMP[field]];
  return at === undefined ? undefined : { value: row[field] === 1, at };
}

/**
 * Applies the winning fields of `change` to the row in memory. Returns true
 * when something changed. Derived fields are recomputed.
 */
function mergeInto(row: StoredMessage, change: MessageStateChange): boolean {
  let changed = false;
  for (const field of FIELDS) {
    const incoming = change[field];
    if (!incoming || !winsOver(incoming, stampOf(row, field))) continue;
    row[field] = incoming.value ? 1 : 0;
    row[STAMP[field]] = incoming.at;
    changed = true;
  }
  if (changed) withDerived(row);
  return changed;
}

/**
 * Applies a state change from the event log (another device, or this one's
 * own change coming back). A message this device does not hold is ignored:
 * it was retracted, or its message event is still to come and will arrive
 * with the server's merged state (not here: the log replays state events
 * after the message, and they merge then). Returns the thread to refresh.
 */
export async function applyRemoteState(messageId: string, change: MessageStateChange): Promise<string | undefined> {
  const row = await db.messages.get(messageId);
  if (!row || !mergeInto(row, change)) return undefined;
  await db.messages.put(row);
  return row.threadKey;
}

/**
 * A change made on this device: written at once (the UI follows from Dexie)
 * and queued in the outbox, merged with whatever is queued for the message.
 * One transaction: a change is never visible without being queued. Returns
 * the ids that changed (a message already in that state is left alone).
 */
export function changeLocally(ids: readonly string[], field: StateField, value: boolean, at: string): Promise<string[]> {
  return db.transaction('rw', db.messages, db.outbox, async () => {
    const rows = (await db.messages.bulkGet([...ids])).filter((row): row is StoredMessage => row !== undefined);
    const stamped: StampedFlag = { value, at };
    const changed = rows.filter((row) => mergeInto(row, { [field]: stamped }));
    await db.messages.bulkPut(changed);
    const queued = await db.outbox.bulkGet(changed.map((row) => row.id));
    const outbox: OutboxRow[] = changed.map((row, index) => ({
      messageId: row.id,
      state: { ...queued[index]?.state, [field]: stamped },
    }));
    await db.outbox.bulkPut(outbox);
    await refreshThreadHeads(changed.map((row) => row.threadKey));
    return changed.map((row) => row.id);
  });
}

/** Up to `limit` queued changes, for one `POST /me/state`. */
export function peekOutbox(limit: number): Promise<OutboxRow[]> {
  return db.outbox.limit(limit).toArray();
}

/**
 * The server acknowledged `sent`. Rows changed again meanwhile (a newer stamp
 * on any field) stay queued for the next flush.
 */
export function acknowledge(sent: readonly OutboxRow[]): Promise<void> {
  return db.transaction('rw', db.outbox, async () => {
    const current = await db.outbox.bulkGet(sent.map((row) => row.messageId));
    const done = sent.filter((row, index) => JSON.stringify(current[index]?.state) === JSON.stringify(row.state));
    await db.outbox.bulkDelete(done.map((row) => row.messageId));
  });
}

export function outboxSize(): Promise<number> {
  return db.outbox.count();
}
