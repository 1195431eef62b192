/**
 * Counts turns of the event loop: one tick per pass of its check phase. Work tagged
 * with `turn` shows which of it ran between the same two polls for I/O.
 */
export function countLoopTurns(): { readonly turn: number; stop(): void } {
  let counting = true;
  const counter = {
    turn: 0,
    stop: () => {
      counting = false;
    },
  };
  const tick = () => {
    counter.turn++;
    if (counting) setImmediate(tick);
  };
  setImmediate(tick);
  return counter;
}
