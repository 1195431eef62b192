import { isExpired } from '../../../shared/inbox/filter.js';
import type { StoredMessage } from '../db/db.js';

/**
 * What the message view can show for an id: the message, or why not. A view
 * that stays open while the message is deleted, retracted or expires says so
 * instead of showing what the shopper no longer has.
 */
export type MessageViewState =
  | { kind: 'shown'; message: StoredMessage }
  /** Never on this device: a link to a message that has not arrived here (or never existed). */
  | { kind: 'missing' }
  | { kind: 'deleted' }
  /** The merchant took it back: the row is gone, its id kept (see retract in message.repository). */
  | { kind: 'retracted' }
  | { kind: 'expired' };

export function messageViewState(row: StoredMessage | undefined, retracted: boolean, now: number): MessageViewState {
  if (retracted) return { kind: 'retracted' };
  if (!row) return { kind: 'missing' };
  if (row.deleted === 1) return { kind: 'deleted' };
  if (isExpired(row, now)) return { kind: 'expired' };
  return { kind: 'shown', message: row };
}

/** Longest wait `setTimeout` takes (2^31 − 1 ms, about 24.8 days); a later expiry is re-armed by the view's clock. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** How long until a shown message expires, for a timer; undefined when it never does (or already has). */
export function msUntilExpiry(message: Pick<StoredMessage, 'expiresAtMs'>, now: number): number | undefined {
  if (message.expiresAtMs === undefined || message.expiresAtMs <= now) return undefined;
  return Math.min(message.expiresAtMs - now, MAX_TIMER_MS);
}
