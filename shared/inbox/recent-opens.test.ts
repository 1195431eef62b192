import { describe, expect, it } from 'vitest';
import { RecentOpens, recencyBucket } from './recent-opens.js';

const HOUR = 3_600_000;

describe('recent opens', () => {
  it('buckets the time since the last open', () => {
    expect(recencyBucket(undefined, 0)).toBe('never');
    expect(recencyBucket(0, HOUR - 1)).toBe('hour');
    expect(recencyBucket(0, HOUR)).toBe('day');
    expect(recencyBucket(0, 24 * HOUR)).toBe('week');
    expect(recencyBucket(0, 7 * 24 * HOUR)).toBe('older');
  });

  it('keeps the latest open of each key and never more keys than its capacity, forgetting the oldest', () => {
    const opens = new RecentOpens(3);
    opens.record('c:a', 10);
    opens.record('c:a', 5);
    expect(opens.get('c:a')).toBe(10);
    opens.record('c:b', 20);
    opens.record('c:c', 30);
    opens.record('c:d', 40);
    expect(opens.entries()).toEqual([
      ['c:b', 20],
      ['c:c', 30],
      ['c:d', 40],
    ]);
  });

  it('restores to the same state, whatever order the entries come in', () => {
    const entries: [string, number][] = [
      ['s:x', 3],
      ['c:a', 1],
      ['c:b', 1],
    ];
    expect(RecentOpens.from(entries, 2).entries()).toEqual(RecentOpens.from([...entries].reverse(), 2).entries());
    expect(RecentOpens.from(entries, 2).entries()).toEqual([
      ['c:b', 1],
      ['s:x', 3],
    ]);
  });
});
