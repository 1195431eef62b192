import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MessageStateChange } from './message-state.schema.js';
import { mergeState, winningFields, winsOver, type MessageState } from './message-state-merge.js';

// Few distinct instants, so ties (the hard case) come up often.
const at = fc.integer({ min: 0, max: 5 }).map((s) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString());
const flag = fc.record({ value: fc.boolean(), at });
const change: fc.Arbitrary<MessageStateChange> = fc
  .record({ read: flag, archived: flag, deleted: flag }, { requiredKeys: [] })
  .filter((c) => Object.keys(c).length > 0) as fc.Arbitrary<MessageStateChange>;

const applyAll = (changes: readonly MessageStateChange[], start: MessageState = {}) => changes.reduce(mergeState, start);

describe('message state merge (last writer wins per field)', () => {
  it('converges whatever order the changes arrive in', () => {
    fc.assert(
      fc.property(fc.array(change, { maxLength: 8 }).chain((list) => fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length }))), ([inOrder, shuffled]) => {
        expect(applyAll(shuffled)).toEqual(applyAll(inOrder));
      }),
    );
  });

  it('is idempotent: a change applied twice (an outbox resent) wins nothing the second time', () => {
    fc.assert(
      fc.property(fc.array(change, { maxLength: 5 }), change, (before, c) => {
        const once = mergeState(applyAll(before), c);
        expect(winningFields(once, c)).toBeUndefined();
        expect(mergeState(once, c)).toEqual(once);
      }),
    );
  });

  it('keeps independent fields: a read on one device and an archive on another both survive', () => {
    const state = applyAll([
      { read: { value: true, at: '2026-01-01T10:00:00.000Z' } },
      { archived: { value: true, at: '2026-01-01T09:00:00.000Z' } },
    ]);
    expect(state).toEqual({
      read: { value: true, at: '2026-01-01T10:00:00.000Z' },
      archived: { value: true, at: '2026-01-01T09:00:00.000Z' },
    });
  });

  it('lets an older change lose and a tie go to true', () => {
    const current = { value: true, at: '2026-01-01T10:00:00.000Z' };
    expect(winsOver({ value: false, at: '2026-01-01T09:59:59.999Z' }, current)).toBe(false);
    expect(winsOver({ value: false, at: '2026-01-01T10:00:00.001Z' }, current)).toBe(true);
    expect(winsOver({ value: false, at: current.at }, current)).toBe(false);
    expect(winsOver({ value: true, at: current.at }, { value: false, at: current.at })).toBe(true);
    // Same instant written with another precision is the same instant.
    expect(winsOver({ value: true, at: '2026-01-01T10:00:00Z' }, current)).toBe(false);
  });
});
