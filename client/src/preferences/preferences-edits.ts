import type { Preferences } from '../../../shared/preferences.schema.js';

/**
 * The Settings form's edits, put onto the preferences as they are now. The
 * form holds a copy of what it loaded; meanwhile the preferences may change
 * under it (a mute suggestion accepted, a sender muted from a message,
 * another device's save). Writing the form's copy whole would undo those, so
 * only what the shopper changed in the form is taken from it: a field left
 * alone keeps its current value, and in the lists (muted categories and
 * senders) only the entries the shopper added or removed move.
 */
export function applyEdits(loaded: Preferences, edited: Preferences, current: Preferences): Preferences {
  return {
    ...current,
    mutedCategories: applyListEdits(loaded.mutedCategories, edited.mutedCategories, current.mutedCategories),
    mutedSenders: applyListEdits(loaded.mutedSenders, edited.mutedSenders, current.mutedSenders),
    minPushPriority: pick(loaded.minPushPriority, edited.minPushPriority, current.minPushPriority),
    quietHours: pick(loaded.quietHours, edited.quietHours, current.quietHours),
    timeZone: pick(loaded.timeZone, edited.timeZone, current.timeZone),
    locale: pick(loaded.locale, edited.locale, current.locale),
    theme: pick(loaded.theme, edited.theme, current.theme),
  };
}

/** The edited value if the shopper changed it, else the current one. Values are plain JSON. */
function pick<T>(loaded: T, edited: T, current: T): T {
  return JSON.stringify(edited) === JSON.stringify(loaded) ? current : edited;
}

/** The current list with the shopper's additions appended and their removals taken out, in the current order. */
function applyListEdits<T>(loaded: readonly T[], edited: readonly T[], current: readonly T[]): T[] {
  const removed = new Set(loaded.filter((item) => !edited.includes(item)));
  const added = edited.filter((item) => !loaded.includes(item) && !current.includes(item));
  return [...current.filter((item) => !removed.has(item)), ...added];
}
