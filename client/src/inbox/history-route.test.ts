import { describe, expect, it } from 'vitest';
import { messageFragment, parentState, routeOf, routeStateOf } from './history-route.js';

describe('routeOf', () => {
  it('reads the message from the fragment and the thread from the entry state', () => {
    expect(routeOf('#message=m%201', { thread: 'c:order:7', depth: 2 })).toEqual({ message: 'm 1', thread: 'c:order:7' });
    expect(routeOf('', null)).toEqual({ message: null, thread: null });
    expect(routeOf('#message=', { thread: '' })).toEqual({ message: null, thread: null });
  });

  it('round-trips any id through the fragment, whatever characters it has', () => {
    for (const id of ['plain', 'a&b=c', 'with space', '#hash', 'ünï', 'x+y@z:1']) {
      expect(routeOf(messageFragment(id), null).message).toBe(id);
    }
  });
});

describe('routeStateOf', () => {
  it('keeps only well-formed fields of a state another version or script may have written', () => {
    expect(routeStateOf({ thread: 'c:a', depth: 1, scrollY: 1200, focusId: 'message-1' })).toEqual({
      thread: 'c:a',
      depth: 1,
      scrollY: 1200,
      focusId: 'message-1',
    });
    expect(routeStateOf({ thread: 7, depth: -1, scrollY: Number.NaN, focusId: '' })).toEqual({});
    expect(routeStateOf({ depth: 1.5, scrollY: -3 })).toEqual({});
    expect(routeStateOf('thread')).toEqual({});
    expect(routeStateOf(undefined)).toEqual({});
  });
});

describe('parentState', () => {
  it('goes from a message to the thread under it, and from anything else to the list', () => {
    expect(parentState({ message: 'm1', thread: 'c:a' })).toEqual({ thread: 'c:a' });
    expect(parentState({ message: 'm1', thread: null })).toEqual({});
    expect(parentState({ message: null, thread: 'c:a' })).toEqual({});
  });
});
