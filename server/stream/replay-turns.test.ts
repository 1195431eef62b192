import { describe, expect, it } from 'vitest';
import { ReplayTurns } from './replay-turns.js';

/** Resolves after the loop's current check phase, i.e. one turn later. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('ReplayTurns', () => {
  it('grants at most pagesPerTurn per turn of the loop, in the order asked', async () => {
    const turns = new ReplayTurns(3);
    const granted: [number, number][] = [];
    let turn = 0;
    const takers = Array.from({ length: 8 }, (_, i) => turns.take().then(() => granted.push([i, turn])));
    for (let t = 1; t <= 4; t++) {
      await nextTurn();
      turn = t;
    }
    await Promise.all(takers);
    expect(granted.map(([i]) => i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const perTurn = new Map<number, number>();
    for (const [, t] of granted) perTurn.set(t, (perTurn.get(t) ?? 0) + 1);
    expect([...perTurn.values()]).toEqual([3, 3, 2]);
  });

  it('never grants in the turn that asked, so the loop polls for I/O first', async () => {
    const turns = new ReplayTurns(3);
    let granted = false;
    const taker = turns.take().then(() => (granted = true));
    await Promise.resolve();
    expect(granted).toBe(false);
    await taker;
    expect(granted).toBe(true);
  });

  it('starts again after going idle', async () => {
    const turns = new ReplayTurns(1);
    await turns.take();
    await nextTurn();
    await nextTurn();
    await expect(Promise.race([turns.take().then(() => 'granted'), new Promise((r) => setTimeout(() => r('stuck'), 1_000))])).resolves.toBe('granted');
  });
});
