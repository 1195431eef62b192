import { describe, expect, it } from 'vitest';
import { countLoopTurns } from '../test-support/loop-turns.js';
import { ReplayTurns } from './replay-turns.js';

/** Resolves after the loop's current check phase, i.e. one turn later. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The turns' clock: a page of synchronous work (a SQLite read and its frames) moves it on by its cost. */
let clock = 0;
const now = () => clock;
const busyFor = (ms: number) => {
  clock += ms;
};

/** Runs `count` pages of `pageMs` each and returns, per page, the turn it ran in. */
async function turnsOf(turns: ReplayTurns, count: number, pageMs: number): Promise<number[]> {
  const loop = countLoopTurns();
  const ranIn = await Promise.all(
    Array.from({ length: count }, () =>
      turns.run(async () => {
        busyFor(pageMs);
        return loop.turn;
      }),
    ),
  );
  loop.stop();
  return ranIn;
}

const perTurn = (ranIn: number[]) => {
  const counts = new Map<number, number>();
  for (const t of ranIn) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts.values()];
};

describe('ReplayTurns', () => {
  it('runs cheap pages many to a turn, up to the budget, not a fixed few', async () => {
    const ranIn = await turnsOf(new ReplayTurns(50, 4, now), 40, 1);
    // 40 pages of 1 ms fit in the first turn's 50 ms; a fixed 4 per turn would have taken 10 turns.
    expect(perTurn(ranIn)).toEqual([40]);
  });

  it('yields to the loop once a turn has spent its budget', async () => {
    const ranIn = await turnsOf(new ReplayTurns(10, 1, now), 12, 4);
    // One page at a time, 4 ms each: the third starts at 8 ms, still within 10; the fourth waits.
    expect(perTurn(ranIn)).toEqual([3, 3, 3, 3]);
  });

  it('runs pages in the order asked and hands back what each page returned', async () => {
    const turns = new ReplayTurns(1, 2, now);
    const order: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        turns.run(async () => {
          order.push(i);
          busyFor(1);
          return i * 10;
        }),
      ),
    );
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(results).toEqual([0, 10, 20, 30, 40, 50]);
  });

  it('keeps at most atOnce pages under way while they wait on I/O', async () => {
    const turns = new ReplayTurns(1_000, 3);
    let underWay = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 10 }, () =>
        turns.run(async () => {
          most = Math.max(most, ++underWay);
          await new Promise((resolve) => setTimeout(resolve, 5));
          underWay--;
        }),
      ),
    );
    expect(most).toBe(3);
  });

  it('never runs a page in the turn that asked, so the loop polls for I/O first', async () => {
    const turns = new ReplayTurns();
    let ran = false;
    const page = turns.run(async () => (ran = true));
    await Promise.resolve();
    await Promise.resolve();
    expect(ran).toBe(false);
    await page;
    expect(ran).toBe(true);
  });

  it('gives the turn back when a page fails, and starts again after going idle', async () => {
    const turns = new ReplayTurns(5, 1);
    await expect(turns.run(async () => Promise.reject(new Error('read failed')))).rejects.toThrow('read failed');
    await nextTurn();
    await nextTurn();
    await expect(
      Promise.race([turns.run(async () => 'granted'), new Promise((r) => setTimeout(() => r('stuck'), 1_000))]),
    ).resolves.toBe('granted');
  });
});
