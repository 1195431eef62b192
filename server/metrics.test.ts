import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createWalMetrics } from './metrics.js';

const reading = { bytes: 4096, checkpoints: 0, checkpointFailures: 0, checkpointFailing: false, checkpointThreadUp: true };

async function values(registry: Registry): Promise<Record<string, number>> {
  const metrics = await registry.getMetricsAsJSON();
  return Object.fromEntries(metrics.map((metric) => [metric.name, Number(metric.values[0]?.value ?? Number.NaN)]));
}

describe('createWalMetrics', () => {
  it('moves the counters by what the thread did since the last reading', async () => {
    const registry = new Registry();
    const wal = createWalMetrics(registry);
    wal.record({ ...reading, checkpoints: 5, checkpointFailures: 1 });
    wal.record({ ...reading, bytes: 8192, checkpoints: 12, checkpointFailures: 3, checkpointFailing: true });
    expect(await values(registry)).toEqual({
      tidings_sqlite_wal_bytes: 8192,
      tidings_sqlite_checkpoints_total: 12,
      tidings_sqlite_checkpoint_failures_total: 3,
      tidings_sqlite_checkpoint_failing: 1,
      tidings_sqlite_checkpoint_thread_up: 1,
    });
  });

  it('keeps the totals and says so when the thread has stopped', async () => {
    const registry = new Registry();
    const wal = createWalMetrics(registry);
    wal.record({ ...reading, checkpoints: 7, checkpointFailures: 2 });
    // A stopped thread answers nothing: its reading comes as zeros.
    wal.record({ ...reading, checkpointThreadUp: false });
    wal.record({ ...reading, checkpointThreadUp: false });
    expect(await values(registry)).toMatchObject({
      tidings_sqlite_checkpoints_total: 7,
      tidings_sqlite_checkpoint_failures_total: 2,
      tidings_sqlite_checkpoint_thread_up: 0,
    });
  });
});
