/**
 * The replay's read path alone (issue 13): CPU to read every shopper's page
 * of the log and build its frames, the old way (`readEvents`, a parsed event,
 * `eventFrame`) beside the stream's way (`readStoredEvents`, the stored text
 * spliced in by `storedEventFrame`), on the same SQLite rows in one process.
 * No sockets: this is the part of the reconnect storm that the storm bench's
 * noise hides.
 *
 *   node --import tsx bench/replay-read.bench.ts                          # 1,000 shoppers, 200 behind, 5 rounds
 *   node --import tsx bench/replay-read.bench.ts --shoppers 200 --rounds 2 # smoke run
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SqliteStore } from '../server/store/sqlite/sqlite-store.js';
import { storeMessage } from '../server/test-support/store-messages.js';
import { eventFrame, storedEventFrame } from '../server/stream/event-frame.js';
import { integerOption } from './options.js';
import { stormBroadcast } from './storm-broadcast.js';

const { values } = parseArgs({
  options: { shoppers: { type: 'string' }, behind: { type: 'string' }, rounds: { type: 'string' } },
});
const shoppers = integerOption('shoppers', values.shoppers, 1_000, 1);
const behind = integerOption('behind', values.behind, 200, 1);
const rounds = integerOption('rounds', values.rounds, 5, 1);

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-replay-read-'));
process.on('exit', () => fs.rmSync(dataDir, { recursive: true, force: true }));
const store = SqliteStore.open(dataDir);
const userIds = Array.from({ length: shoppers }, (_, i) => `replay-u${i}`);
await store.createMerchant({ id: 'bench', name: 'Bench', keyHash: crypto.randomUUID(), createdAt: new Date().toISOString() });
for (let i = 0; i < behind; i++) {
  await storeMessage(store, stormBroadcast(i, new Date().toISOString()), 'bench', userIds);
}

process.stdout.write(`Replay reads: ${shoppers} shoppers × ${behind} events, 1-min load average ${os.loadavg()[0]!.toFixed(2)}\n\n`);
process.stdout.write('| round | readEvents + eventFrame, µs/event | readStoredEvents + storedEventFrame, µs/event | ratio |\n| --- | ---: | ---: | ---: |\n');
let bytes = 0;
for (let round = 1; round <= rounds; round++) {
  let started = cpuMs();
  for (const userId of userIds) for (const event of await store.readEvents(userId, 0, 500)) bytes += eventFrame(event).length;
  const parsed = cpuMs() - started;
  started = cpuMs();
  for (const userId of userIds) for (const event of await store.readStoredEvents(userId, 0, 500)) bytes += storedEventFrame(event).length;
  const stored = cpuMs() - started;
  const perEvent = (ms: number) => ((ms * 1000) / (shoppers * behind)).toFixed(2);
  process.stdout.write(`| ${round} | ${perEvent(parsed)} | ${perEvent(stored)} | ${(stored / parsed).toFixed(2)}× |\n`);
}
process.stdout.write(`\n${(bytes / 2 ** 20).toFixed(0)} MiB of frames built; 1-min load average ${os.loadavg()[0]!.toFixed(2)} after\n`);
await store.close();
