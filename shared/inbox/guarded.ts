import { PRIORITY } from '../message.schema.js';

/**
 * What the smart order may never push down. Learning may lift any message;
 * it may sink only those a shopper can afford to see later. A guarded message
 * (high or urgent, or about an order, a payment, a delivery or the account)
 * is never scored below the static "priority then time" score, and of the
 * guarded messages the static order puts on the first screen, every one stays
 * on it (see `keepFirstScreen`).
 */

export const GUARDED_CATEGORIES: ReadonlySet<string> = new Set(['order', 'payment', 'shipping', 'account']);

/** Cards on the first screen of the inbox. */
export const FIRST_SCREEN = 10;

export function isGuarded(message: { priority: number; category: string }): boolean {
  return message.priority >= PRIORITY.high || GUARDED_CATEGORIES.has(message.category);
}

/** The learned part of a score as the guard rail allows it: never negative for a guarded message. */
export function guardedMargin(message: { priority: number; category: string }, margin: number): number {
  return isGuarded(message) && margin < 0 ? 0 : margin;
}

/**
 * Rearranges a smart order (`ranked`, first shown first) so that every guarded
 * message among the static order's first `firstScreen` stays within the first
 * `firstScreen`: they take their places there, the rest of the first screen is
 * filled in smart order, and everything else follows in smart order. Nothing
 * is dropped.
 */
export function keepFirstScreen<T extends { priority: number; category: string }>(
  ranked: readonly T[],
  staticOrder: readonly T[],
  firstScreen = FIRST_SCREEN,
): T[] {
  const kept = new Set(staticOrder.slice(0, firstScreen).filter(isGuarded));
  const missing = ranked.slice(firstScreen).filter((message) => kept.has(message));
  if (missing.length === 0) return [...ranked];
  const top: T[] = [];
  let free = firstScreen - kept.size;
  const rest: T[] = [];
  for (const message of ranked) {
    if (kept.has(message)) top.push(message);
    else if (free > 0) {
      top.push(message);
      free -= 1;
    } else rest.push(message);
  }
  return [...top, ...rest];
}
