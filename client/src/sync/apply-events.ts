import { cursorOf, seqOf, type Cursor, type SyncEvent } from '../../../shared/event.schema.js';
import type { Message } from '../../../shared/message.schema.js';
import { db, type SkipReason } from '../db/db.js';
import { applyRemoteState } from '../db/message-state.repository.js';
import { refreshThreadHeads, retract, upsertFromEvents } from '../db/message.repository.js';
import { readCursor, writeCursor } from '../db/meta.repository.js';
import { applyRemotePreferences } from '../db/preferences.repository.js';
import { recordSkipped } from '../db/skipped-event.repository.js';

/**
 * An event this client cannot read or store (a kind added by a newer server,
 * a broken one, one that failed to store). It still occupies its seq, so the
 * cursor moves past it instead of asking for it forever, and it is recorded
 * (see skipped-event.repository.ts) so the shopper hears of it.
 */
export interface SkippedEvent {
  seq: number;
  kind: 'skipped';
  reason: SkipReason;
  /** The event's own kind, when it could be read. */
  eventKind?: string;
  messageId?: string;
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
 *
 * One event that cannot be stored must not hold back the others (nor every
 * later one: the log would be stuck at it for good). When the batch fails for
 * a reason that lies in an event, the events are applied again one by one and
 * the one that fails is skipped. A failure of the device itself (storage
 * full, database closed) is no event's fault: it propagates, nothing is
 * skipped, and the caller tries again later.
 */
export async function applyEvents(events: readonly IncomingEvent[], now: Date = new Date()): Promise<ApplyResult> {
  try {
    return await applyBatch(events, now);
  } catch (error) {
    if (isDeviceFailure(error)) throw error;
    return applyOneByOne(events, now);
  }
}

/** The slow path after a failed batch: one transaction per event, so only the failing one is skipped. */
async function applyOneByOne(events: readonly IncomingEvent[], now: Date): Promise<ApplyResult> {
  const total: ApplyResult = { cursor: await readCursor(), applied: 0, duplicates: 0, gap: false };
  for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
    let result: ApplyResult;
    try {
      result = await applyBatch([event], now);
    } catch (error) {
      if (isDeviceFailure(error) || event.kind === 'skipped') throw error;
      console.warn(`tidings: skipping event ${event.seq}, it could not be stored`, error);
      result = await applyBatch([skippedFrom(event, 'apply-failed')], now);
    }
    total.cursor = result.cursor;
    total.applied += result.applied;
    total.duplicates += result.duplicates;
    if (result.gap) {
      total.gap = true;
      break;
    }
  }
  return total;
}

/**
 * Errors that say the database or the device is in trouble, not the event:
 * skipping on these would lose messages that a later attempt would store.
 * (Names as IndexedDB and Dexie give them.)
 */
const DEVICE_FAILURES = new Set([
  'QuotaExceededError',
  'AbortError',
  'UnknownError',
  'InvalidStateError',
  'TimeoutError',
  'VersionError',
  'DatabaseClosedError',
  'OpenFailedError',
  'MissingAPIError',
  'PrematureCommitError',
]);

function isDeviceFailure(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  const inner = (error as { inner?: { name?: unknown } } | null)?.inner?.name;
  return DEVICE_FAILURES.has(String(name)) || DEVICE_FAILURES.has(String(inner));
}

/** What is known of an event that failed to apply, for the record. */
function skippedFrom(event: SyncEvent, reason: SkipReason): SkippedEvent {
  const skipped: SkippedEvent = { seq: event.seq, kind: 'skipped', reason, eventKind: event.kind };
  if (event.kind === 'message') skipped.messageId = event.message.id;
  else if (event.kind !== 'preferences' && event.messageId !== undefined) skipped.messageId = event.messageId;
  return skipped;
}

/** One transaction: all of the batch (up to a gap) and the cursor, or nothing. */
function applyBatch(events: readonly IncomingEvent[], now: Date): Promise<ApplyResult> {
  const ordered = [...events].sort((a, b) => a.seq - b.seq);
  const receivedAt = now.toISOString();
  return db.transaction('rw', [db.messages, db.meta, db.outbox, db.retracted, db.skipped], async () => {
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
        const thread = await applyOne(event, receivedAt);
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
async function applyOne(event: Exclude<IncomingEvent, { kind: 'message' }>, receivedAt: string): Promise<string | undefined> {
  switch (event.kind) {
    case 'state':
      return applyRemoteState(event.messageId, event.state);
    case 'retracted':
      return retract(event.messageId);
    case 'preferences':
      await applyRemotePreferences({ preferences: event.preferences, changedAt: event.changedAt });
      return undefined;
    case 'skipped':
      await recordSkipped(event, receivedAt);
      return undefined;
    case 'unavailable':
      // The server could not read it back (a damaged row): the shopper is told as of one this device could not read.
      console.warn(`tidings: skipping event ${event.seq}${event.messageId ? ` (message ${event.messageId})` : ''}, the server cannot read it`);
      await recordSkipped({ ...event, reason: 'unavailable' }, receivedAt);
      return undefined;
  }
}
