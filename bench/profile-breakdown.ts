/**
 * Where a flash-sale or reconnect-storm run's CPU went, per delivery: reads a
 * `.cpuprofile` (from `npm run bench:flash-sale -- --profile` or
 * `npm run bench:reconnect-storm -- --profile`) and splits its samples into
 * the stream's parts, then divides each by the number of frames delivered.
 *
 *   node --import tsx bench/profile-breakdown.ts /tmp/tidings-flash-prof-XXXX/tidings-123.cpuprofile 220000
 *
 * With `--parts push`, a tidings row's profile from `npm run bench:push --
 * --profile` (the sending process's event loop), split into the Web Push
 * sender's parts and divided by the pushes of that row:
 *
 *   node --import tsx bench/profile-breakdown.ts --parts push /tmp/tidings-push-prof-XXXX/tidingsH1.cpuprofile 20000
 *
 * A sample goes to the innermost part on its stack, except that anything under
 * the delivered-live flush counts there, and a sample in better-sqlite3's
 * transaction wrapper itself is the commit (BEGIN/COMMIT: WAL writes and the
 * fsync block the thread, so they show as its self time). Statements run by a
 * function count as that function's time: V8 attributes native calls to their
 * JavaScript caller.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({ options: { parts: { type: 'string', default: 'stream' } }, allowPositionals: true });
const [file, deliveriesText] = positionals;
const deliveries = Number(deliveriesText);
if (!file || !Number.isInteger(deliveries) || deliveries <= 0 || !['stream', 'push'].includes(values.parts!)) {
  process.stderr.write('usage: node --import tsx bench/profile-breakdown.ts [--parts stream|push] <file.cpuprofile> <deliveries>\n');
  process.exit(2);
}

const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map<number, number>();
for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n.id);

type Matcher = (name: string, url: string) => boolean;
const COUNTING = 'delivered-live counting and its flush';
const COMMIT = 'commit (BEGIN/COMMIT: WAL write, fsync)';
const STREAM_PARTS: [string, Matcher][] = [
  ['append: per-event SQL (seq, event row, push jobs)', (name) => name === 'append' || name === 'appendMessage'],
  ['fan-out loop (job, subscribers, status)', (name) => name === 'fanOutBatch' || name === 'fanOutJob'],
  ['socket writes (writev, kernel)', (name) => /writev|_writeGeneric|clearBuffer|uncork/.test(name)],
  ['ws framing', (_, url) => url.includes('ws/lib/sender')],
  ['frame text (JSON)', (name, url) => ['send', 'sendText', 'eventFrame', 'storedEventFrame'].includes(name) && url.includes('stream')],
  ['bus and gate (publish, onLiveEvent, sendEvent)', (name, url) =>
    ['publish', 'publishCommitted', 'onLiveEvent', 'sendEvent'].includes(name) && /bus|stream|services/.test(url)],
  ['replay reads (SQL, message parse)', (name) => ['readEvents', 'readStoredEvents', 'catchUp', 'replayPage'].includes(name)],
  ['stream upgrades and hellos (HTTP, handshake, token)', (name) =>
    ['handleUpgrade', 'completeUpgrade', 'onParserExecute', 'onFrame'].includes(name)],
  ['garbage collection', (name) => name === '(garbage collector)'],
  ['idle', (name) => name === '(idle)'],
];
/**
 * The push sender's event loop. Innermost part wins, so undici's socket writes
 * count as writes even under its dispatch, and a commit counts as the claim,
 * settle or accept whose transaction it ends.
 */
const PUSH_PARTS: [string, Matcher][] = [
  ['accept: the message, its events and push jobs (group commit)', (_, url) => url.includes('group-commit')],
  ['claim: lease jobs, read their subscriptions', (name, url) => name === 'claimPushJobs' || (name === 'step' && url.includes('push-worker'))],
  ['settle: delete jobs, counts, outcome events', (name, url) =>
    name === 'settlePushJobs' || name === 'settlePending' || (name === 'settle' && url.includes('sqlite-store'))],
  ['message preparation (once per message)', (name, url) => name === 'prepare' && url.includes('push-worker')],
  ['encryption hand-off (postMessage, results)', (_, url) => url.includes('encrypt-pool') || url === 'node:internal/worker'],
  ['requests out (undici write, TLS/TCP write)', (name, url) =>
    /writeH1|writeH2|writeBuffer|_writev|writevGeneric|_writeGeneric/.test(name) || (name === 'write' && url.includes('undici'))],
  ['answers in (TLS read, HTTP parse, response handler)', (name, url) =>
    /onHttpSocketReadable|readMore|onStreamRead|onSessionHeaders|onStreamTrailers/.test(name) || url.includes('push-response-handler') ||
    url.startsWith('wasm')],
  ['HTTP/2 streams (node:internal/http2)', (_, url) => url.includes('internal/http2')],
  ['undici dispatch and queue (Client, Pool, Agent)', (_, url) => url.includes('undici')],
  ['worker and sender (process, send, dispatch)', (_, url) => /push-worker|push-sender|background-loop/.test(url)],
  ['TLS and sockets, other', (_, url) => /_tls_wrap|node:net|stream_base/.test(url)],
  ['bench (finish-line polls, profiler)', (_, url) => url.includes('bench/') || url.startsWith('node:inspector')],
  ['garbage collection', (name) => name === '(garbage collector)'],
  ['idle', (name) => name === '(idle)'],
];
const PARTS = values.parts === 'push' ? PUSH_PARTS : STREAM_PARTS;
// `flush` and `count` only in the delivery counter: the group commit's `flush` (store/sqlite) is the requests' commit.
const isCounting: Matcher = (name, url) =>
  (['count', 'flush'].includes(name) && /delivery-counter/.test(url)) ||
  (['recordLiveDeliveries', 'addDeliveredLive'].includes(name) && /outbox|lifecycle|store/.test(url));

const separate = values.parts === 'push' ? [] : [COMMIT, COUNTING];
const totals = new Map<string, number>([...separate.map((part): [string, number] => [part, 0]), ...PARTS.map(([part]): [string, number] => [part, 0]), ['other', 0]]);
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  total += dt;
  const stack: ProfileNode[] = [];
  for (let cur: number | undefined = id; cur !== undefined; cur = parentOf.get(cur)) stack.push(nodes.get(cur)!);
  const frame = (n: ProfileNode) => [n.callFrame.functionName || '(anonymous)', n.callFrame.url] as const;
  let part = 'other';
  if (separate.length === 0) part = stack.map((n) => PARTS.find(([, matches]) => matches(...frame(n)))?.[0]).find(Boolean) ?? 'other';
  else if (stack.some((n) => isCounting(...frame(n)))) part = COUNTING;
  else if (frame(stack[0]!)[0] === 'sqliteTransaction') part = COMMIT;
  else part = stack.map((n) => PARTS.find(([, matches]) => matches(...frame(n)))?.[0]).find(Boolean) ?? 'other';
  totals.set(part, totals.get(part)! + dt);
});

const unit = values.parts === 'push' ? 'push' : 'delivery';
process.stdout.write(`${(total / 1e6).toFixed(1)} s sampled, ${deliveries} ${values.parts === 'push' ? 'pushes' : 'deliveries'}\n\n| part | share | µs per ${unit} |\n| --- | ---: | ---: |\n`);
for (const [part, micros] of totals) {
  process.stdout.write(`| ${part} | ${((100 * micros) / total).toFixed(1)}% | ${(micros / deliveries).toFixed(1)} |\n`);
}
