import fc from 'fast-check';
import WebSocket from 'ws';
import { serverFrameSchema, STREAM_CLOSE } from '../../shared/stream.schema.js';
import type { FuzzStats } from './fuzz-stats.js';
import type { FuzzTarget } from './fuzz-target.js';
import { describeValue, mutate, mutation, nastyString, nastyValue, toJsonText } from './nasty-values.js';

/** Stand-ins for credentials inside generated frames, swapped for the real ones when sent (so reproducers stay readable). */
const SHOPPER_TOKEN = '<shopper-token>';
const MERCHANT_KEY = '<merchant-key>';
const TAMPERED_TOKEN = '<shopper-token-tampered>';

/** One frame a client sends on /api/v1/stream. */
export type WsFrame =
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; text: string }
  | { kind: 'binary'; base64: string }
  /** A text frame of `bytes` bytes: past the 16 KiB limit it must close with 1009. */
  | { kind: 'huge'; bytes: number }
  /** A text frame whose bytes are not UTF-8. */
  | { kind: 'bad-utf8'; base64: string };

export interface WsCase {
  frames: WsFrame[];
}

/**
 * Close codes the server may end a fuzzed connection with: the documented
 * ones (docs/api.md) and the RFC 6455 codes the ws library itself sends for
 * frames that break the protocol. 1011 (the server's own fault) is not here.
 */
export const ACCEPTED_CLOSE_CODES = new Set<number>([
  ...Object.values(STREAM_CLOSE),
  1009, // frame over 16 KiB
  1002, // protocol error (ws)
  1007, // text frame that is not UTF-8 (ws)
]);

/** Long enough for a replay of the fuzz shopper's log on a busy machine; longer is a hang. */
export const SESSION_TIMEOUT_MS = 8_000;

const cursor = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('0', '1', '2', '3', '999999999999999') },
  { weight: 1, arbitrary: fc.constantFrom('9999999999999999', '99999999999999999', '-1', '01', '1e3', '0x1', '', ' 1', '1.0', 5) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: nastyValue },
);
const token = fc.oneof(
  { weight: 4, arbitrary: fc.constant(SHOPPER_TOKEN) },
  { weight: 1, arbitrary: fc.constantFrom(MERCHANT_KEY, TAMPERED_TOKEN, '', 'x', 'tdk_wrong', 'eyJ.eyJ.sig') },
  { weight: 1, arbitrary: nastyValue },
);

const hello = fc
  .record(
    {
      token,
      after: cursor,
      protocol: fc.oneof({ weight: 4, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constantFrom(0, 2, -1, 1.5, '1', null) }, { weight: 1, arbitrary: nastyValue }),
    },
    { requiredKeys: ['token'] },
  )
  .map((fields) => ({ type: 'hello', ...fields }));

const goodHello = fc
  .record(
    { token: fc.constant(SHOPPER_TOKEN), after: fc.constantFrom('0', '1', '2', '3', '999999999999999', '9999999999999999'), protocol: fc.constant(1) },
    { requiredKeys: ['token'] },
  )
  .map((fields) => ({ type: 'hello', ...fields }));

const jsonFrame = fc.oneof(
  { weight: 4, arbitrary: hello },
  { weight: 3, arbitrary: fc.tuple(hello, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([h, ms]) => mutate(h, ms)) },
  { weight: 1, arbitrary: fc.record({ type: fc.oneof(fc.constantFrom('ping', 'subscribe', 'event', 'synced', 'HELLO', ''), nastyString), token: fc.constant(SHOPPER_TOKEN) }) },
  { weight: 1, arbitrary: nastyValue },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

export const frameArb: fc.Arbitrary<WsFrame> = fc.oneof(
  { weight: 8, arbitrary: jsonFrame.map((value): WsFrame => ({ kind: 'json', value })) },
  { weight: 1, arbitrary: fc.constantFrom('', '{', 'hello', '{"type":"hello"', 'null', '[]', '"hello"', '{"type":"hello","token":"<shopper-token>"}x').map((text): WsFrame => ({ kind: 'text', text })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes): WsFrame => ({ kind: 'binary', base64: Buffer.from(bytes).toString('base64') })) },
  { weight: 1, arbitrary: fc.constantFrom(16 * 1024, 16 * 1024 + 1, 100_000).map((bytes): WsFrame => ({ kind: 'huge', bytes })) },
  { weight: 1, arbitrary: fc.constantFrom([0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80]).map((bytes): WsFrame => ({ kind: 'bad-utf8', base64: Buffer.from(bytes).toString('base64') })) },
);

/** A hello (or something in its place), then up to three later frames; sometimes nothing at all (the hello timeout). */
export const wsCaseArb: fc.Arbitrary<WsCase> = fc.oneof(
  { weight: 6, arbitrary: frameArb.map((frame) => ({ frames: [frame] })) },
  // A good hello alone: the connection must be welcomed, replayed to and synced, whatever the cursor.
  { weight: 3, arbitrary: goodHello.map((value) => ({ frames: [{ kind: 'json' as const, value }] })) },
  { weight: 6, arbitrary: fc.array(frameArb, { minLength: 2, maxLength: 4 }).map((frames) => ({ frames })) },
  { weight: 1, arbitrary: fc.constant<WsCase>({ frames: [] }) },
);

function tampered(token: string): string {
  const last = token.at(-1) === 'A' ? 'B' : 'A';
  return token.slice(0, -1) + last;
}

function withSecrets(text: string, secrets: FuzzTarget['secrets']): string {
  return text
    .replaceAll(TAMPERED_TOKEN, tampered(secrets.shopperToken))
    .replaceAll(SHOPPER_TOKEN, secrets.shopperToken)
    .replaceAll(MERCHANT_KEY, secrets.merchantKey);
}

function send(ws: WebSocket, frame: WsFrame, secrets: FuzzTarget['secrets']): void {
  switch (frame.kind) {
    case 'json':
      return ws.send(withSecrets(toJsonText(frame.value), secrets));
    case 'text':
      return ws.send(withSecrets(frame.text, secrets));
    case 'binary':
      return ws.send(Buffer.from(frame.base64, 'base64'), { binary: true });
    case 'huge':
      return ws.send(`{"type":"hello","token":"${'a'.repeat(Math.max(0, frame.bytes - 26))}"}`);
    case 'bad-utf8':
      return ws.send(Buffer.from(frame.base64, 'base64'), { binary: false });
  }
}

export function describeCase(c: WsCase): string {
  return c.frames
    .map((f, i) => {
      const shown = f.kind === 'json' ? describeValue(f.value) : f.kind === 'text' ? JSON.stringify(f.text) : f.kind === 'huge' ? `${f.bytes} bytes` : f.base64;
      return `frame ${i + 1} (${f.kind}): ${(shown ?? 'undefined').slice(0, 1500)}`;
    })
    .join('\n') || '(no frames)';
}

/**
 * Opens /api/v1/stream, sends the frames, and judges how it ends: closed with
 * an accepted code, or (after a good hello and nothing more) welcomed and
 * synced. Anything else — 1011, a frame the shared schema rejects, an error
 * logged, no end within SESSION_TIMEOUT_MS — is a failure, returned as a reproducer.
 */
export async function runWsCase(target: FuzzTarget, c: WsCase, stats?: FuzzStats): Promise<string | undefined> {
  const problems: string[] = [];
  const ws = new WebSocket(target.server.wsUrl);
  const received: string[] = [];
  let synced = false;
  const end = await new Promise<string>((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), SESSION_TIMEOUT_MS);
    const finish = (how: string) => {
      clearTimeout(timer);
      resolve(how);
    };
    ws.on('open', () => {
      for (const frame of c.frames) send(ws, frame, target.secrets);
    });
    ws.on('message', (data, isBinary) => {
      const text = data.toString();
      received.push(text.slice(0, 200));
      let json: unknown;
      try {
        json = isBinary ? undefined : JSON.parse(text);
      } catch {
        problems.push(`server sent a frame that is not JSON: ${text.slice(0, 200)}`);
        return;
      }
      // A frame the server sends must be one its own clients accept.
      if (!serverFrameSchema.safeParse(json).success) problems.push(`server sent a frame the shared schema rejects: ${text.slice(0, 200)}`);
      if ((json as { type?: unknown })?.type === 'synced') {
        synced = true;
        // A good hello with nothing after it: the connection stays open, as it should.
        if (c.frames.length === 1) setTimeout(() => finish('synced'), 20);
      }
    });
    ws.on('close', (code) => finish(`close ${code}`));
    ws.on('error', (err) => finish(`error ${err.message}`));
  });
  ws.terminate();
  await new Promise((resolve) => setImmediate(resolve));
  if (end === 'timeout') problems.push(`no close and no synced within ${SESSION_TIMEOUT_MS} ms (hang)`);
  else if (end.startsWith('error')) problems.push(`connection failed: ${end}`);
  else if (end.startsWith('close')) {
    const code = Number(end.slice(6));
    if (!ACCEPTED_CLOSE_CODES.has(code)) problems.push(`closed with ${code}, not a documented code`);
  } else if (!synced) problems.push('ended without synced');
  for (const fault of target.takeFaults()) problems.push(`server ${fault.source}: ${fault.message.slice(0, 600)}`);
  stats?.record('WS /api/v1/stream', end === 'synced' ? 'synced (open)' : end);
  if (problems.length === 0) return undefined;
  const reproducer = `${problems.join('\n')}\n--- reproducer (${target.kind}, WebSocket ${target.server.wsUrl}) ---\n${describeCase(c)}\nreceived: ${JSON.stringify(received)}\nended: ${end}`;
  stats?.fail(`${target.kind} WS ${end}: ${problems[0]!.replace(/\d+/g, 'N').slice(0, 120)}`, 'WS /api/v1/stream', reproducer);
  return reproducer;
}
