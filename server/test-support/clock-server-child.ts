import fs from 'node:fs';
import { pino } from 'pino';
import { createApp } from '../app.js';
import { MemoryBus } from '../bus/memory-bus.js';
import { EndpointAllowlist } from '../push/endpoint-allowlist.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';

/**
 * The app as its own process on a simulated clock, for crash tests of
 * local-time delivery and held pushes: the clock is the number in CLOCK_FILE (epoch ms),
 * which the test moves. Otherwise as main.ts: SQLite in DATA_DIR, the
 * bootstrap merchant key, listening on HOST:PORT.
 */
const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const clockFile = env('CLOCK_FILE');
const app = await createApp({
  store: SqliteStore.open(env('DATA_DIR')),
  bus: new MemoryBus(),
  logger: pino({ level: 'warn' }),
  bootstrapMerchantKey: env('BOOTSTRAP_MERCHANT_KEY'),
  lifecycle: { schedulerPollMs: 20, now: () => Number(fs.readFileSync(clockFile, 'utf8')) },
  // Held-push tests push to a loopback push service.
  ...(process.env.PUSH_ENDPOINT_ALLOWLIST ? { push: { allowlist: EndpointAllowlist.parse(process.env.PUSH_ENDPOINT_ALLOWLIST), pollMs: 50 } } : {}),
});
app.server.listen(Number(env('PORT')), env('HOST'));
