import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { WalStats } from './store/store.js';

/** The Prometheus metrics of one app instance (a registry each, so tests can build several). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tidings_' });
  return {
    registry,
    messagesAccepted: new Counter({
      name: 'tidings_messages_accepted_total',
      help: 'Messages answered 202 (durably stored)',
      registers: [registry],
    }),
    eventsAppended: new Counter({
      name: 'tidings_events_appended_total',
      help: 'Events appended to shoppers’ logs',
      registers: [registry],
    }),
    streamConnections: new Gauge({
      name: 'tidings_stream_connections',
      help: 'Open /api/v1/stream WebSockets',
      registers: [registry],
    }),
    pushOutcomes: new Counter({
      name: 'tidings_push_outcomes_total',
      help: 'Web Push jobs by outcome: pushed, failed, gone, skipped, retry, postponed (a summary retry waiting for deferred quiet hours to end)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    rateLimitUnavailable: new Counter({
      name: 'tidings_rate_limit_redis_unavailable_total',
      help: 'Requests served without a rate-limit check because Redis did not answer (the limits fail open)',
      registers: [registry],
    }),
    httpRequests: new Histogram({
      name: 'tidings_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers: [registry],
    }),
    amqpConsumed: new Counter({
      name: 'tidings_amqp_consumed_total',
      help: 'AMQP messages durably stored (or replayed by their message_id) and acked',
      registers: [registry],
    }),
    amqpDeadLettered: new Counter({
      name: 'tidings_amqp_dead_lettered_total',
      help: 'AMQP messages that can never be accepted, moved to the dead-letter queue, by error code',
      labelNames: ['code'],
      registers: [registry],
    }),
    amqpRequeued: new Counter({
      name: 'tidings_amqp_requeued_total',
      help: 'AMQP messages handed back to the queue after a transient failure',
      registers: [registry],
    }),
    amqpState: new Gauge({
      name: 'tidings_amqp_consumer_state',
      help: 'The AMQP consumer state: 1 for the current one (consuming, connecting, disabled)',
      labelNames: ['state'],
      registers: [registry],
    }),
    amqpLag: new Gauge({
      name: 'tidings_amqp_queue_lag',
      help: 'Messages ready in the AMQP queue, as last polled',
      registers: [registry],
    }),
    schedulerSteps: new Counter({
      name: 'tidings_scheduler_steps_total',
      help: 'Scheduler passes completed (each delivered whatever was due when it began); tests wait on it to know a pass came after a point',
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;

/**
 * The embedded store's WAL and its checkpoint thread (server/store/sqlite/checkpointer.ts), in
 * `registry`; `record` sets them from a reading taken when /metrics is scraped. A WAL that keeps
 * growing, or failures that keep counting, mean checkpoints are not keeping up (a full disk, a
 * reader that never ends).
 */
export function createWalMetrics(registry: Registry) {
  const bytes = new Gauge({ name: 'tidings_sqlite_wal_bytes', help: 'Size of the SQLite WAL file now', registers: [registry] });
  const checkpoints = new Counter({
    name: 'tidings_sqlite_checkpoints_total',
    help: 'WAL checkpoints run by the checkpoint thread',
    registers: [registry],
  });
  const failures = new Counter({
    name: 'tidings_sqlite_checkpoint_failures_total',
    help: 'WAL checkpoints that failed (the WAL grows until one succeeds)',
    registers: [registry],
  });
  const failing = new Gauge({
    name: 'tidings_sqlite_checkpoint_failing',
    help: '1 while the latest WAL checkpoint failed',
    registers: [registry],
  });
  const threadUp = new Gauge({
    name: 'tidings_sqlite_checkpoint_thread_up',
    help: '1 while the WAL checkpoint thread runs',
    registers: [registry],
  });
  let seen = { checkpoints: 0, checkpointFailures: 0 };
  return {
    record(stats: WalStats): void {
      bytes.set(stats.bytes);
      // The thread counts from its start; a counter only goes up, so it is moved by what is new.
      checkpoints.inc(Math.max(0, stats.checkpoints - seen.checkpoints));
      failures.inc(Math.max(0, stats.checkpointFailures - seen.checkpointFailures));
      failing.set(stats.checkpointFailing ? 1 : 0);
      threadUp.set(stats.checkpointThreadUp ? 1 : 0);
      if (stats.checkpointThreadUp) seen = stats;
    },
  };
}
