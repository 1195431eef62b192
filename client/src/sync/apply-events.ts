import { cursorOf, seqOf, type Cursor, type SyncEvent } from '../../../shared/event.schema.js';
import { db } from '../db/db.js';
import { upsertFromEvent } from '../db/message.repository.js';
import { readCursor, writeCursor } from '../db/meta.repository.js';

/**
 * An event this client version cannot interpret (a kind added by a newer
 * server). It still occupies its seq, so the cursor moves past it instead of
 * asking for it forever.
 */
export interface SkippedEvent {
  seq: number;
  kind: 'skipped';
}

export type IncomingEvent = SyncEvent | SkippedEvent;

export interface ApplyResult {
  cursor: Cursor;
  applied: number;
  /** Events already covered by the cursor (replays after a reconnect). */
  duplicates: number;
  /**
   * An event is missing before the first one not applied. The log has no gaps,
   * so the caller must resume from `cursor` rather than trust what it holds.
   */
  gap: boolean;
}

/**
 * Applies events in seq order, exactly once each, and advances the cursor to
 * the last one applied. Messages and cursor are written in one transaction: if
 * anything fails, nothing is written, so the cursor can never run ahead of a
 * message that was not stored.
 */
export function applyEvents(events: readonly IncomingEvent[], now: Date = new Date()): Promise<ApplyResult> {
  const ordered = [...events].sort((a, b) => a.seq - b.seq);
  const receivedAt = now.toISOString();
  return db.transaction('rw', db.messages, db.meta, async () => {
    const start = seqOf(await readCursor());
    let last = start;
    let applied = 0;
    let duplicates = 0;
    let gap = false;
    for (const event of ordered) {
      if (event.seq <= last) {
        duplicates += 1;
        continue;
      }
      if (event.seq !== last + 1) {
        gap = true;
        break;
      }
      if (event.kind === 'message') await upsertFromEvent(event.message, event.seq, receivedAt);
      last = event.seq;
      applied += 1;
    }
    if (last !== start) await writeCursor(cursorOf(last));
    return { cursor: cursorOf(last), applied, duplicates, gap };
  });
}
