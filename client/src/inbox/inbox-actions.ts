import type { InboxFilter, InboxView } from '../../../shared/inbox/filter.js';
import type { StoredMessage } from '../db/db.js';
import { idsForBulk, threadTimeline } from '../db/inbox-query.js';
import { t } from '../i18n/i18n.js';
import { toasts } from '../ui/toast.svelte.js';
import { archive, deleteMessages, markRead } from './message-state.service.js';

/**
 * What the inbox's buttons do: a state change through the outbox, then a
 * toast saying what happened, with its undo. A thread row stands for its
 * whole thread, so archiving or deleting it moves every message of the
 * thread in that list (an order's timeline goes as one).
 */

/** The messages a row stands for: the row alone, or its thread within the row's box. */
async function idsOfRow(message: StoredMessage, threaded: boolean): Promise<string[]> {
  if (!threaded || !message.threadKey.startsWith('c:')) return [message.id];
  const thread = await threadTimeline(message.threadKey);
  return thread.filter((row) => row.box === message.box).map((row) => row.id);
}

/** Opening a row reads it (its whole thread when threaded). */
export async function openRow(message: StoredMessage, threaded: boolean): Promise<void> {
  await markRead(await idsOfRow(message, threaded), true);
}

export async function toggleRead(message: StoredMessage, threaded: boolean): Promise<void> {
  if (message.read === 0) {
    const outcome = await markRead(await idsOfRow(message, threaded), true);
    toasts.show({ text: t.actions.markedRead(outcome.changed), undo: outcome.undo });
  } else {
    // Unread again is about the one message the shopper wants to come back to.
    const outcome = await markRead([message.id], false);
    toasts.show({ text: t.actions.markedUnread, undo: outcome.undo });
  }
}

export async function toggleArchive(message: StoredMessage, threaded: boolean): Promise<void> {
  const archiving = message.archived === 0;
  const outcome = await archive(await idsOfRow(message, threaded), archiving);
  toasts.show({ text: archiving ? t.actions.archived(outcome.changed) : t.actions.unarchived, undo: outcome.undo });
}

export async function remove(message: StoredMessage, threaded: boolean): Promise<void> {
  const outcome = await deleteMessages(await idsOfRow(message, threaded));
  toasts.show({ text: t.actions.deleted, undo: outcome.undo });
}

export async function markAllRead(view: InboxView, filter: InboxFilter): Promise<void> {
  const ids = await idsForBulk({ view, filter, now: Date.now() }, 0);
  if (ids.length === 0) return toasts.show({ text: t.actions.nothingToDo });
  const outcome = await markRead(ids, true);
  toasts.show({ text: t.actions.markedRead(outcome.changed), undo: outcome.undo });
}

export async function archiveAllRead(view: InboxView, filter: InboxFilter): Promise<void> {
  const ids = await idsForBulk({ view: view === 'archive' ? 'inbox' : view, filter, now: Date.now() }, 1);
  if (ids.length === 0) return toasts.show({ text: t.actions.nothingToDo });
  const outcome = await archive(ids, true);
  toasts.show({ text: t.actions.archived(outcome.changed), undo: outcome.undo });
}
