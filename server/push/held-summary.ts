import type { Message } from '../../shared/message.schema.js';
import type { HeldSummary } from '../store/held-push-store.js';
import { DamagedMessageError } from '../store/store-rows.js';
import type { PushSummary, Store, StoredMessage } from '../store/store.js';
import { summaryPushOptionsFor, type PushOptions } from './push-options.js';
import { buildSummaryPayload, summaryTitle } from './push-payload.js';
import { PUSH_NOW, type PushPolicy } from './push-worker.js';

/**
 * What a held push summary does at one send (its release, or a retry a push
 * service asked for), decided message by message with the shopper's
 * preferences as they are now: the policy every push goes through
 * (preference-push-policy.ts), so a summary sent after the shopper changed
 * them is treated as its messages' own pushes would be.
 * - `send`: what may still notify. Messages muted since (category, sender),
 *   under the minimum priority, in quiet hours that silence, expired,
 *   retracted or gone are left out; count, title and target are the rest's.
 *   One that passes now (urgent in quiet hours that let it through) takes the
 *   deferred ones along: the device buzzes anyway.
 * - `hold`: nothing may notify now, but some wait for deferred quiet hours:
 *   again at `until`, on the policy's clock.
 * - `drop`: nothing left to notify about; the inbox has them all.
 */
export type SummaryDecision =
  | { kind: 'send'; held: HeldSummary; summary: PushSummary; newest: Message }
  | { kind: 'hold'; until: number }
  | { kind: 'drop' };

export async function decideSummary(store: Store, policy: PushPolicy | undefined, userId: string, held: HeldSummary): Promise<SummaryDecision> {
  const kept: Message[] = [];
  let passesNow = false;
  let until = Infinity;
  for (const id of held.messageIds) {
    const stored = await readableMessage(store, id);
    if (!stored || (await store.lifecycle.statusOf(id)) === 'retracted') continue;
    const decision = policy ? await policy.decide(userId, stored.message) : PUSH_NOW;
    if (decision.push) passesNow = true;
    else if (decision.heldUntil !== undefined) until = Math.min(until, decision.heldUntil);
    else continue;
    kept.push(stored.message);
  }
  if (kept.length === 0) return { kind: 'drop' };
  if (!passesNow) return { kind: 'hold', until };
  const count = kept.length;
  const summary: PushSummary = { reason: held.reason, count, ...(held.title !== null ? { title: summaryTitle(held.title, count) } : {}) };
  return { kind: 'send', held: { ...held, messageIds: kept.map((m) => m.id) }, summary, newest: kept[0]! };
}

/**
 * The stored message, or undefined when it is gone or its row is damaged (its text does not read
 * back): a push of it has nothing to say, and retrying would fail the same way until the attempts
 * or a hold's leases ran out, holding back the other messages of its summary meanwhile.
 */
export async function readableMessage(store: Store, id: string): Promise<StoredMessage | undefined> {
  try {
    return await store.getMessage(id);
  } catch (error) {
    if (error instanceof DamagedMessageError) return undefined;
    throw error;
  }
}

/** The push of a summary to send: its payload around the newest message, and that message's options without a Topic. */
export function summaryPush(decision: SummaryDecision & { kind: 'send' }, now: number): { plaintext: string; options: PushOptions } {
  return { plaintext: buildSummaryPayload(decision.summary, decision.newest), options: summaryPushOptionsFor(decision.newest, now) };
}
