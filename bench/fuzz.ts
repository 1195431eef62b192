/**
 * The fuzz suite on demand, for as long as one likes:
 *
 *   npm run fuzz -- --runs 20000                    # SQLite
 *   npm run fuzz -- --runs 20000 --store postgres   # PostgreSQL (TEST_DATABASE_URL)
 *   npm run fuzz -- --runs 5000 --store both --seed 42
 *
 * The same generators and oracle as server/fuzz/*.int.test.ts, but a failure
 * does not stop the run: every answer is counted, and each distinct failure is
 * printed once with its first reproducer. Exits 1 when anything failed.
 */
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { FuzzStats } from '../server/fuzz/fuzz-stats.js';
import { startFuzzTarget, type StoreKind } from '../server/fuzz/fuzz-target.js';
import { requestsFor, strayRequestArb } from '../server/fuzz/http-generators.js';
import { runHttpCase } from '../server/fuzz/http-oracle.js';
import { runWsCase, wsCaseArb } from '../server/fuzz/ws-fuzz.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '2000' },
    'ws-runs': { type: 'string' },
    store: { type: 'string', default: 'sqlite' },
    seed: { type: 'string' },
  },
});
const runs = Number(values.runs);
// WebSocket sessions are slower than requests (and one hello timeout is 300 ms): a tenth as many unless told.
const wsRuns = Number(values['ws-runs'] ?? Math.ceil(runs / 10));
const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31;
const stores: StoreKind[] = values.store === 'both' ? ['sqlite', 'postgres'] : [values.store as StoreKind];
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(wsRuns) || wsRuns < 0) throw new Error('--runs and --ws-runs take whole numbers');
if (!stores.every((s) => s === 'sqlite' || s === 'postgres')) throw new Error('--store is sqlite, postgres or both');

let failed = false;
for (const kind of stores) {
  const target = await startFuzzTarget(kind);
  const stats = new FuzzStats();
  const started = Date.now();
  try {
    // Every route equally likely, and a tenth of the runs on paths no route matches.
    const requests = fc.oneof({ weight: 9, arbitrary: requestsFor(target.routes, target.ids) }, { weight: 1, arbitrary: strayRequestArb(target.ids) });
    let done = 0;
    await fc.assert(
      fc.asyncProperty(requests, async (request) => {
        await runHttpCase(target, request, stats);
        if (++done % 1000 === 0) process.stderr.write(`${kind}: ${done}/${runs} runs, ${stats.requests} requests, ${stats.serverErrors} × 5xx\n`);
      }),
      { numRuns: runs, seed },
    );
    await fc.assert(
      fc.asyncProperty(wsCaseArb, async (c) => {
        await runWsCase(target, c, stats);
      }),
      { numRuns: wsRuns, seed },
    );
    try {
      await target.checkIntegrity();
      console.log(`${kind}: integrity after the run: canary message and status unchanged, log parses, /healthz and the stream answer`);
    } catch (err) {
      stats.fail(`${kind} integrity check`, 'after the run', String(err));
    }
    for (const fault of target.takeFaults()) stats.fail(`${kind} server ${fault.source} outside any request`, 'background', fault.message);
  } finally {
    await target.close();
  }
  console.log(stats.report(`${kind}, seed ${seed}, ${runs} HTTP runs (× 3–4 credentials) + ${wsRuns} WebSocket sessions, ${((Date.now() - started) / 1000).toFixed(0)} s`));
  console.log('');
  failed ||= stats.failures.size > 0;
}
process.exit(failed ? 1 : 0);
