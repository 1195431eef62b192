import { describe, expect, it } from 'vitest';
import { IGNORED_AFTER_MS, REMEMBERED, TaughtOutcomes, VisibleSince } from './interactions.js';

describe('TaughtOutcomes', () => {
  it('lets a message teach once', () => {
    const taught = new TaughtOutcomes();
    expect(taught.allows('a', 'opened')).toBe(true);
    taught.record('a', 'opened');
    expect(taught.allows('a', 'opened')).toBe(false);
    expect(taught.allows('a', 'dismissed')).toBe(false);
    expect(taught.allows('a', 'ignored')).toBe(false);
  });

  it('lets an ignored card teach its open or dismissal later, but not another ignore', () => {
    const taught = new TaughtOutcomes();
    taught.record('a', 'ignored');
    expect(taught.allows('a', 'ignored')).toBe(false);
    expect(taught.allows('a', 'opened')).toBe(true);
    taught.record('a', 'dismissed');
    expect(taught.allows('a', 'opened')).toBe(false);
  });

  it('survives a save and forgets the oldest past its bound', () => {
    const taught = new TaughtOutcomes();
    for (let i = 0; i <= REMEMBERED; i++) taught.record(`m${i}`, 'dismissed');
    const restored = new TaughtOutcomes(taught.entries());
    expect(restored.entries()).toHaveLength(REMEMBERED);
    expect(restored.allows('m0', 'dismissed')).toBe(true);
    expect(restored.allows(`m${REMEMBERED}`, 'dismissed')).toBe(false);
  });
});

describe('VisibleSince', () => {
  it('calls a card ignored when it was in view long enough and then scrolled past', () => {
    const visible = new VisibleSince();
    visible.shown('a', 1_000);
    visible.shown('a', 2_500); // still the same stretch in view
    expect(visible.left('a', 1_000 + IGNORED_AFTER_MS, true)).toBe(true);
  });

  it('does not for a glance, for a card hidden by another screen, or for one never seen', () => {
    const visible = new VisibleSince();
    visible.shown('a', 0);
    expect(visible.left('a', IGNORED_AFTER_MS - 1, true)).toBe(false);
    visible.shown('b', 0);
    expect(visible.left('b', 10 * IGNORED_AFTER_MS, false)).toBe(false);
    expect(visible.left('c', 10 * IGNORED_AFTER_MS, true)).toBe(false);
  });

  it('starts a new stretch after the card left', () => {
    const visible = new VisibleSince();
    visible.shown('a', 0);
    visible.left('a', 500, true);
    visible.shown('a', 10_000);
    expect(visible.left('a', 10_500, true)).toBe(false);
  });
});
