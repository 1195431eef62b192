import { messageIdFromFragment } from '../notifications/click-target.js';

/**
 * Which screen of the inbox is open, kept in the browser's history so that
 * the back button, the phone's back gesture and a reload all agree with it:
 * the message view lives in the address (`#message=<id>`, the same link a
 * notification opens), the thread under it in the entry's state.
 */
export interface Route {
  /** The message shown whole, on top of whatever else is open. */
  message: string | null;
  /** The thread whose timeline is open (under the message, when both are). */
  thread: string | null;
}

/** What the app keeps in each history entry it writes (`history.state`). */
export interface RouteState {
  thread?: string;
  /**
   * How many entries the app pushed below this one: going back is
   * `history.back()` only when it lands in the app, not on the page the
   * shopper came from (a notification or a shared link opens at depth 0).
   */
  depth?: number;
  /** Where the page was scrolled when the shopper left this entry for a deeper one. */
  scrollY?: number;
  /** The id of the element to focus on coming back: the card or timeline entry that was opened. */
  focusId?: string;
}

/**
 * The state of an entry, read defensively: history survives reloads and
 * versions of the app, and another script of the page may have written it.
 */
export function routeStateOf(state: unknown): RouteState {
  if (typeof state !== 'object' || state === null) return {};
  const value = state as Record<string, unknown>;
  const read: RouteState = {};
  if (typeof value.thread === 'string' && value.thread !== '') read.thread = value.thread;
  if (typeof value.depth === 'number' && Number.isInteger(value.depth) && value.depth > 0) read.depth = value.depth;
  if (typeof value.scrollY === 'number' && Number.isFinite(value.scrollY) && value.scrollY >= 0) read.scrollY = value.scrollY;
  if (typeof value.focusId === 'string' && value.focusId !== '') read.focusId = value.focusId;
  return read;
}

export function routeOf(hash: string, state: unknown): Route {
  return { message: messageIdFromFragment(hash), thread: routeStateOf(state).thread ?? null };
}

/** The address of the message view of `id`, relative to the current page (path and query stay). */
export function messageFragment(id: string): string {
  return `#message=${encodeURIComponent(id)}`;
}

/**
 * The entry that going back from `route` lands on when there is no entry of
 * the app's to go back to: the thread under a message, else the list.
 */
export function parentState(route: Route): RouteState {
  return route.message !== null && route.thread !== null ? { thread: route.thread } : {};
}
