import { describe, expect, it } from 'vitest';
import { groupThreads, threadHead, threadKeyOf, timeline } from './thread.js';

const m = (id: string, minute: number, collapseKey?: string) => ({ id, createdAtMs: minute * 60_000, collapseKey });

describe('threads', () => {
  it('groups by collapseKey; a message without one is its own thread', () => {
    expect(threadKeyOf(m('a', 1, 'order:1'))).toBe(threadKeyOf(m('b', 2, 'order:1')));
    expect(threadKeyOf(m('a', 1))).not.toBe(threadKeyOf(m('b', 1)));
  });

  it('puts a reply in the thread of the message it answers', () => {
    const question = { id: 'q1', createdAtMs: 0 };
    const reply = { id: 'r1', createdAtMs: 1, collapseKey: 'q1', inReplyTo: 'q1' };
    expect(threadKeyOf(reply)).toBe(threadKeyOf(question));
    const threadedQuestion = { id: 'q2', createdAtMs: 0, collapseKey: 'chat:9' };
    const threadedReply = { id: 'r2', createdAtMs: 1, collapseKey: 'chat:9', inReplyTo: 'q2' };
    expect(threadKeyOf(threadedReply)).toBe(threadKeyOf(threadedQuestion));
    // A collapseKey that merely equals another message's id does not join it.
    expect(threadKeyOf({ id: 'x', collapseKey: 'q1' })).not.toBe(threadKeyOf(question));
  });

  it('shows the newest of each thread with its count, where the head sits in the list', () => {
    const ordered = [m('shipped', 3, 'order:1'), m('other', 2), m('paid', 2, 'order:1'), m('placed', 1, 'order:1')];
    const threads = groupThreads(ordered);
    expect(threads.map((t) => [t.head.id, t.count])).toEqual([
      ['shipped', 3],
      ['other', 1],
    ]);
  });

  it('orders a timeline oldest first and picks the newest as head, ties by id', () => {
    const list = [m('paid', 2, 'k'), m('placed', 1, 'k'), m('b', 3, 'k'), m('a', 3, 'k')];
    expect(timeline(list).map((x) => x.id)).toEqual(['placed', 'paid', 'a', 'b']);
    expect(threadHead(list)?.id).toBe('b');
  });
});
