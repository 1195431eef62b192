import { describe, expect, it } from 'vitest';
import type { Message } from '../../shared/message.schema.js';
import type { HeldSummary } from '../store/held-push-store.js';
import type { Store } from '../store/store.js';
import { toStoredMessage } from '../store/store-rows.js';
import { decideSummary } from './held-summary.js';
import type { PushDecision, PushPolicy } from './push-worker.js';

const message = (id: string, category: Message['category']): Message => ({
  id,
  type: 'system',
  category,
  priority: 3,
  title: `About ${id}`,
  createdAt: '2026-01-01T00:00:00.000Z',
});

/** The store as decideSummary reads it: messages by id, `r…` ones retracted. */
function storeOf(messages: Message[]): Store {
  const byId = new Map(messages.map((m) => [m.id, m]));
  return {
    getMessage: async (id: string) => (byId.has(id) ? { message: byId.get(id)! } : undefined),
    lifecycle: { statusOf: async (id: string) => (id.startsWith('r') ? 'retracted' : 'sent') },
  } as unknown as Store;
}

/** A policy deciding by category: what each would do as a push of its own. */
const policyOf = (byCategory: Partial<Record<Message['category'], PushDecision>>): PushPolicy => ({
  decide: async (_userId, m) => byCategory[m.category] ?? { push: true },
});

const held = (messageIds: string[]): HeldSummary => ({ reason: 'digest', title: '{count} news', messageIds });
const messages = [message('m3', 'promotion'), message('m2', 'order'), message('r1', 'order'), message('m1', 'shipping')];

describe('decideSummary', () => {
  it('leaves out what is muted, retracted or gone: count, title and target are the rest\'s, newest first', async () => {
    const decision = await decideSummary(storeOf(messages), policyOf({ promotion: { push: false } }), 'u', held(['m3', 'm2', 'r1', 'gone', 'm1']));
    expect(decision).toMatchObject({
      kind: 'send',
      held: { reason: 'digest', title: '{count} news', messageIds: ['m2', 'm1'] },
      summary: { reason: 'digest', count: 2, title: '2 news' },
      newest: { id: 'm2' },
    });
  });

  it('leaves out a message whose stored row is damaged, as gone, instead of failing the whole summary at every lease', async () => {
    const store = storeOf(messages);
    const counts = { merchant_id: 'shop', recipients: 1, push_targets: 1, pushed: 0, push_failed: 0, push_skipped: 0 };
    // As both stores read a row: a truncated text, and one that is JSON but no message.
    const damaged: Record<string, string> = { bad1: '{"id":"bad1","title":"Trunc', bad2: '{"id":"bad2"}' };
    const read = store.getMessage;
    store.getMessage = async (id) => (id in damaged ? toStoredMessage({ ...counts, message_json: damaged[id]! }) : read(id));
    const decision = await decideSummary(store, undefined, 'u', held(['bad1', 'm2', 'bad2', 'm1']));
    expect(decision).toMatchObject({ kind: 'send', summary: { count: 2 }, held: { messageIds: ['m2', 'm1'] }, newest: { id: 'm2' } });
  });

  it('holds until the earliest end of deferred quiet hours when nothing may notify now, and drops when nothing is left', async () => {
    const deferred = policyOf({ promotion: { push: false, heldUntil: 9_000 }, order: { push: false, heldUntil: 7_000 }, shipping: { push: false } });
    expect(await decideSummary(storeOf(messages), deferred, 'u', held(['m3', 'm2', 'm1']))).toEqual({ kind: 'hold', until: 7_000 });
    const silenced = policyOf({ promotion: { push: false }, order: { push: false }, shipping: { push: false } });
    expect(await decideSummary(storeOf(messages), silenced, 'u', held(['m3', 'm2', 'm1']))).toEqual({ kind: 'drop' });
    expect(await decideSummary(storeOf(messages), undefined, 'u', held(['r1', 'gone']))).toEqual({ kind: 'drop' });
  });

  it('goes now when one message passes (urgent through quiet hours), taking the deferred ones along but not the silenced', async () => {
    const policy = policyOf({ promotion: { push: false, heldUntil: 7_000 }, shipping: { push: false } });
    const decision = await decideSummary(storeOf(messages), policy, 'u', held(['m3', 'm2', 'm1']));
    expect(decision).toMatchObject({ kind: 'send', summary: { count: 2 }, held: { messageIds: ['m3', 'm2'] }, newest: { id: 'm3' } });
  });
});
