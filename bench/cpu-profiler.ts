/**
 * Loaded into the Tidings child with `--import` (through NODE_OPTIONS, which
 * refuses `--cpu-prof`) when the benchmark runs with `--profile`: samples the
 * main thread from start to exit and writes a `.cpuprofile` (Chrome DevTools,
 * speedscope) into BENCH_CPU_PROF_DIR.
 */
import fs from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 200 });
  session.post('Profiler.start');
  // A same-thread inspector session answers synchronously, so this works in 'exit'.
  process.on('exit', () => {
    session.post('Profiler.stop', (err, result) => {
      if (err) return;
      fs.writeFileSync(path.join(dir, `tidings-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
