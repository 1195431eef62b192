import { cursorOf, seqOf, type Cursor, type SyncEvent } from '../../../shared/event.schema.js';
import type { Message } from '../../../shared/message.schema.js';
import { db } from '../db/db.js';
import { applyRemoteState } from '../db/message-state.repository.js';
import { refreshThreadHeads, retract, upsertFromEvents } from '../db/message.repository.js';
import { readCursor, writeCursor } from '../db/meta.repository.js';
import { applyRemotePreferences } from '../db/preferences.repository.js';

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
 * message that was not stored. Thread heads are refreshed once per batch, not
 * once per message, which is what keeps a 10,000-message catch-up fast.
 */
export function applyEvents(events: readonly IncomingEvent[], now: Date = new Date()): Promise<ApplyResult> {
  const ordered = [...events].sort((a, b) => a.seq - b.seq);
  const receivedAt = now.toISOString();
  return db.transaction('rw', [db.messages, db.meta, db.outbox, db.retracted], async () => {
    const start = seqOf(await readCursor());
    let last = start;
    let applied = 0;
    let duplicates = 0;
    let gap = false;
    const threads = new Set<string>();
    // Consecutive message events are stored in one bulk write; any other
    // event first flushes them, so a state change always finds its message.
    let run: { message: Message; seq: number }[] = [];
    const flush = async () => {
      for (const thread of await upsertFromEvents(run, receivedAt)) threads.add(thread);
      run = [];
    };
    for (const event of ordered) {
      if (event.seq <= last) {
        duplicates += 1;
        continue;
      }
      if (event.seq !== last + 1) {
        gap = true;
        break;
      }
      if (event.kind === 'message') run.push({ message: event.message, seq: event.seq });
      else {
        await flush();
        const thread = await applyOne(event);
        if (thread !== undefined) threads.add(thread);
      }
      last = event.seq;
      applied += 1;
    }
    await flush();
    await refreshThreadHeads(threads);
    if (last !== start) await writeCursor(cursorOf(last));
    return { cursor: cursorOf(last), applied, duplicates, gap };
  });
}

/** One event other than a message; returns the thread whose heads it may have changed. */
async function applyOne(event: Exclude<IncomingEvent, { kind: 'message' }>): Promise<string | undefined> {
  switch (event.kind) {
    case 'state':
      return applyRemoteState(event.messageId, event.state);
    case 'retracted':
      return retract(event.messageId);
    case 'preferences':
      await applyRemotePreferences({ preferences: event.preferences, changedAt: event.changedAt });
      return undefined;
    case 'skipped':
      return undefined;
  }
}
