import type { MessageStateChange } from './message-state.schema.js';

export type StateField = 'read' | 'archived' | 'deleted';
export const STATE_FIELDS: readonly StateField[] = ['read', 'archived', 'deleted'];

export interface StampedFlag {
  value: boolean;
  at: string;
}

/** A message's state for one shopper as a store or a device holds it: each field with when it was set. */
export type MessageState = Partial<Record<StateField, StampedFlag>>;

/**
 * Whether `incoming` replaces `current` (last writer wins, per field).
 * A later `at` wins. On the same instant `true` wins over `false`, so two
 * devices that changed a field at the same millisecond still converge on one
 * value whatever order they hear of each other in. The very same value and
 * instant (an outbox sent twice) is no change.
 */
export function winsOver(incoming: StampedFlag, current: StampedFlag | undefined): boolean {
  if (!current) return true;
  const incomingAt = Date.parse(incoming.at);
  const currentAt = Date.parse(current.at);
  if (incomingAt !== currentAt) return incomingAt > currentAt;
  return incoming.value && !current.value;
}

/**
 * The part of `change` that wins over `current`: what to store and what to
 * tell the shopper's other devices. Undefined when nothing wins.
 */
export function winningFields(current: MessageState, change: MessageStateChange): MessageStateChange | undefined {
  const winners: MessageState = {};
  for (const field of STATE_FIELDS) {
    const incoming = change[field];
    if (incoming && winsOver(incoming, current[field])) winners[field] = incoming;
  }
  return Object.keys(winners).length > 0 ? (winners as MessageStateChange) : undefined;
}

/** `current` with every winning field of `change` applied. */
export function mergeState(current: MessageState, change: MessageStateChange): MessageState {
  return { ...current, ...winningFields(current, change) };
}
