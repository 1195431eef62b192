import type { StateField } from '../../../shared/message-state-merge.js';
import { changeLocally } from '../db/message-state.repository.js';
import { outboxSync } from '../sync/outbox-sync.js';

/**
 * How the UI (and the service worker's notification click) changes read,
 * archived and deleted. The change is stored at once with `at` = now, queued
 * in the outbox in the same transaction, and the outbox is flushed; other
 * devices hear of it through the event log. Each call returns its undo: the
 * opposite change with a newer stamp, which wins by the same rule everywhere.
 */

export type Undo = () => Promise<void>;

export interface ChangeOutcome {
  /** How many messages actually changed (already-read ones do not count). */
  changed: number;
  undo: Undo;
}

/** Ids whose field was set to `value`; undo flips them back. */
export async function changeState(ids: readonly string[], field: StateField, value: boolean, now: () => Date = () => new Date()): Promise<ChangeOutcome> {
  const changed = await changeLocally(ids, field, value, now().toISOString());
  void outboxSync.request();
  return {
    changed: changed.length,
    undo: async () => {
      await changeLocally(changed, field, !value, now().toISOString());
      void outboxSync.request();
    },
  };
}

export const markRead = (ids: readonly string[], read: boolean) => changeState(ids, 'read', read);
export const archive = (ids: readonly string[], archived: boolean) => changeState(ids, 'archived', archived);
export const deleteMessages = (ids: readonly string[]) => changeState(ids, 'deleted', true);
