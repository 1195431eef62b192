/**
 * Time to score and sort 1,000 messages with the ranker, beside the static
 * "priority then time" sort of the same 1,000, in the same run. The same
 * function runs in Node and, bundled by bench/ranking.bench.ts, in Chromium.
 */
import { compareForDisplay } from '../shared/inbox/ordering.js';
import { createRanker, type Message } from '../shared/inbox/ranking.js';

export interface ScoringTimes {
  rankerMs: number;
  staticMs: number;
}

export function timeScoring(saved: unknown, timeZone: string, messages: readonly Message[], now: number, runs = 60): ScoringTimes {
  const ranker = createRanker(saved, { timeZone });
  const rows = messages.map((m) => ({ id: m.id, priority: m.priority, createdAtMs: Date.parse(m.createdAt), read: 0 as const }));
  const median = (run: (i: number) => void) => {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      run(i);
      times.push(performance.now() - t0);
    }
    return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
  };
  // A new `now` each run: the wall clock is read and the features hashed as a real page would.
  const rankerMs = median((i) => {
    const scored = messages.map((m) => ({ m, s: ranker.score(m, now + i) }));
    scored.sort((a, b) => b.s - a.s || (a.m.id < b.m.id ? 1 : -1));
  });
  const staticMs = median(() => [...rows].sort((a, b) => compareForDisplay(a, b, 'priority')));
  return { rankerMs, staticMs };
}

(globalThis as { rankingBench?: unknown }).rankingBench = { timeScoring };
