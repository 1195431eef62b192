import { ApiError, NetworkError, isTokenRejected } from '../api/api-error.js';
import { postState, putPreferences } from '../api/me-state.api.js';
import { acknowledge, peekOutbox } from '../db/message-state.repository.js';
import { readSession } from '../db/meta.repository.js';
import { acknowledgePreferences, pendingPreferences } from '../db/preferences.repository.js';

/** The server takes at most this many changes per `POST /me/state`. */
export const STATE_BATCH = 500;

/**
 * Sends what this device changed while the server was not told yet: queued
 * read/archive/delete changes and unsaved preferences. Idempotent — the
 * server merges by timestamp, so a batch sent twice (an answer lost on the
 * way back) changes nothing the second time. Stops quietly when offline; the
 * next `request()` (a new change, the stream going live, the `online` event)
 * tries again.
 */
export class OutboxSync {
  private running: Promise<void> | null = null;
  private again = false;

  /** Flushes now, or right after the flush in progress. */
  request(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.loop().finally(() => (this.running = null));
    return this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await flushOnce();
      } catch (error) {
        if (!(error instanceof NetworkError) && !isTokenRejected(error)) console.warn('tidings: could not send local changes', error);
        return;
      }
    } while (this.again);
  }
}

/** One pass: every queued state batch, then the preferences. Throws on the first failure. */
export async function flushOnce(): Promise<void> {
  const session = await readSession();
  if (!session || session.expired) return;
  for (;;) {
    const batch = await peekOutbox(STATE_BATCH);
    if (batch.length === 0) break;
    await refusedForGood(() => postState(session.token, { changes: batch.map((row) => ({ messageId: row.messageId, state: row.state })) }));
    await acknowledge(batch);
    if (batch.length < STATE_BATCH) break;
  }
  const preferences = await pendingPreferences();
  if (preferences) {
    await refusedForGood(() => putPreferences(session.token, preferences));
    await acknowledgePreferences(preferences.changedAt);
  }
}

/**
 * Runs a send; a 400 means the server will never take this change (say, one
 * written by an older version of the app), so it is set aside with a warning
 * instead of blocking every later change behind it. Offline, expired tokens,
 * rate limits and 5xx still throw: those are worth retrying.
 */
async function refusedForGood(send: () => Promise<unknown>): Promise<void> {
  try {
    await send();
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 400)) throw error;
    console.warn('tidings: the server refused a queued change for good; it stays on this device only', error);
  }
}

export const outboxSync = new OutboxSync();
