import { describe, expect, it } from 'vitest';
import { CONSOLE_TABS, hashOf, tabFromHash } from './console-route.js';

describe('console routing by fragment', () => {
  it.each([
    ['#send', 'send'],
    ['#history', 'history'],
    ['#dashboard', 'dashboard'],
    ['history', 'history'],
  ])('opens %s as %s', (hash, tab) => {
    expect(tabFromHash(hash)).toBe(tab);
  });

  it.each(['', '#', '#History', '#unknown', '#history?x=1', '#token=abc'])('opens the send view for %j', (hash) => {
    expect(tabFromHash(hash)).toBe('send');
  });

  it('round-trips every tab through its fragment', () => {
    for (const tab of CONSOLE_TABS) expect(tabFromHash(hashOf(tab))).toBe(tab);
  });
});
