import fc from 'fast-check';

/**
 * Values that have broken JSON APIs before: what goes into a field, a query
 * parameter or a WebSocket frame. Shared by the HTTP and WebSocket fuzzers.
 */

/** JSON nested `depth` levels deep; serialised by `toJsonText` without recursion (JSON.stringify would overflow the stack). */
export class Deep {
  constructor(
    readonly depth: number,
    readonly kind: 'array' | 'object',
  ) {}
  text(): string {
    return this.kind === 'array' ? `${'['.repeat(this.depth)}1${']'.repeat(this.depth)}` : `${'{"a":'.repeat(this.depth)}1${'}'.repeat(this.depth)}`;
  }
}

/** A string this long, built only when serialised, so shrinking and printing stay cheap. */
export class Huge {
  constructor(
    readonly length: number,
    readonly char: string,
  ) {}
  text(): string {
    return this.char.repeat(this.length);
  }
}

/** An array of `length` copies of `item` (e.g. 5,000 user ids), built when serialised. */
export class HugeArray {
  constructor(
    readonly length: number,
    readonly item: unknown,
  ) {}
}

export const BAD_DATES = [
  '',
  'now',
  '2026-13-01T00:00:00Z',
  '2026-02-30T00:00:00Z',
  '2026-01-01T24:00:00Z',
  '2026-01-01T00:00:60Z',
  '2026-01-01',
  '2026-01-01T00:00:00',
  '0000-01-01T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '+275760-09-13T00:00:00.001Z',
  '9999-12-31T23:59:59.999Z',
  '1970-01-01T00:00:00Z',
  '2026-01-01T00:00:00+25:00',
  '2026-01-01T00:00:00.0000000001Z',
  '2999-01-01T00:00:00\u0000Z',
];

export const BAD_CRONS = [
  '',
  ' ',
  '* * * * * * *',
  '60 * * * *',
  '*/0 * * * *',
  '* * * * * *',
  '0 0 30 2 *',
  '0 0 31 4 *',
  '@reboot',
  '@yearly',
  'L L L L L',
  '0 0 ? * 5L',
  '0 0 1W * *',
  '0 0 * * 1#6',
  '1-59/0 * * * *',
  '59-0 * * * *',
  '* * * * SUN-MON',
  '0,'.repeat(40) + '0 * * * *',
  '\u0000 * * * *',
  '٣ * * * *',
];

export const BAD_TIME_ZONES = [
  '',
  'Mars/Olympus_Mons',
  'UTC+25',
  'Etc/GMT+14',
  'Etc/GMT-15',
  '../../etc/passwd',
  'America/New_York\u0000',
  'local',
  'Z',
  '+05:30',
  'europe/paris',
];

const LONE_SURROGATES = ['\ud800', 'a\udc00b', '\udfff\ud800', 'x\ud83d'];

/** Strings: empty, huge, unicode, NUL, lone surrogates, injection-looking, dates, crons, zones. */
export const nastyString: fc.Arbitrary<string | Huge> = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(...LONE_SURROGATES, '\u0000', 'a\u0000b', '\u202e', '\ufeff', '%ZZ', '%00', "'; DROP TABLE messages;--", '../..', 'javascript:alert(1)', '/\t/evil.example', '//evil.example'),
  fc.constantFrom(...BAD_DATES, ...BAD_CRONS, ...BAD_TIME_ZONES),
  fc.record({ length: fc.constantFrom(129, 257, 2049, 4001, 70_000), char: fc.constantFrom('a', 'é', '😀', '\u0000') }).map(({ length, char }) => new Huge(length, char)),
);

const nastyNumber = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, -1, 1.5, 2 ** 53 + 1, -(2 ** 63), 1e308, 5e-324, 1e21),
);

/** Any JSON-able value, weighted towards the nasty ones. */
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: nastyString },
  { weight: 2, arbitrary: nastyNumber },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  {
    weight: 2,
    arbitrary: fc
      .record({ depth: fc.constantFrom(64, 1_500, 3_000, 10_000, 100_000), kind: fc.constantFrom('array' as const, 'object' as const) })
      .map(({ depth, kind }) => new Deep(depth, kind)),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ length: fc.constantFrom(501, 1_001, 5_000, 20_000), item: fc.constantFrom('fuzz-shopper', 1, null, {}) })
      .map(({ length, item }) => new HugeArray(length, item)),
  },
  { weight: 1, arbitrary: fc.record({ key: fc.constantFrom('__proto__', 'constructor', 'prototype'), value: fc.jsonValue({ maxDepth: 1 }) }).map(({ key, value }) => ownKey({}, key, value)) },
);

/** `{ [key]: value }` as an own property even for `__proto__`, so it reaches the wire. */
export function ownKey(target: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
  return target;
}

/**
 * JSON text for a value that may hold Deep, Huge and HugeArray markers. Lone
 * surrogates come out escaped (`"\ud800"`), as JSON.stringify writes them.
 */
export function toJsonText(value: unknown): string {
  const bulky: string[] = [];
  const placeholder = (text: string) => `\u0001BULK${bulky.push(text) - 1}\u0001`;
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Deep) return placeholder(v.text());
    if (v instanceof Huge) return placeholder(JSON.stringify(v.text()));
    if (v instanceof HugeArray) return placeholder(`[${new Array(v.length).fill(toJsonText(v.item)).join(',')}]`);
    return v;
  });
  if (text === undefined) return 'null';
  return bulky.length === 0 ? text : text.replace(/"\\u0001BULK(\d+)\\u0001"/g, (_m, i: string) => bulky[Number(i)]!);
}

/** How a generated value is shown in a reproducer: markers spelled out, not expanded. */
export function describeValue(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Deep) return `<${v.kind} nested ${v.depth} deep>`;
    if (v instanceof Huge) return `<${JSON.stringify(v.char)} × ${v.length}>`;
    if (v instanceof HugeArray) return `<array of ${v.length} × ${JSON.stringify(v.item)}>`;
    return v;
  });
}

/** Applies one mutation to a copy of a JSON value: set, delete or wrap at a path chosen by indices. */
export interface Mutation {
  path: number[];
  op: 'set' | 'delete' | 'wrap' | 'add-key';
  key: string;
  value: unknown;
}

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  path: fc.array(fc.nat(), { maxLength: 4 }),
  op: fc.constantFrom('set' as const, 'set' as const, 'delete' as const, 'wrap' as const, 'add-key' as const),
  key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra', ''), fc.string({ maxLength: 8 })),
  value: nastyValue,
});

export function mutate(seed: unknown, mutations: readonly Mutation[]): unknown {
  let root = copy(seed);
  for (const m of mutations) root = applyMutation(root, { ...m, value: copy(m.value) });
  return root;
}

function applyMutation(root: unknown, m: Mutation): unknown {
  if (!isContainer(root)) return m.op === 'wrap' ? [root] : m.value;
  // Walk down while the chosen child is itself a container, so leaves deep in a body are reached.
  let parent = root;
  let key = pick(parent, m.path[0] ?? 0);
  for (const index of m.path.slice(1)) {
    if (key === undefined) break;
    const child = (parent as Record<string, unknown>)[key];
    if (!isContainer(child)) break;
    parent = child;
    key = pick(parent, index);
  }
  const target = parent as Record<string, unknown>;
  if (m.op === 'add-key' || key === undefined) {
    if (Array.isArray(target)) target.push(m.value);
    else ownKey(target, m.key, m.value);
  } else if (m.op === 'delete') {
    if (Array.isArray(target)) target.splice(Number(key), 1);
    else delete target[key];
  } else if (m.op === 'wrap') {
    target[key] = [target[key]];
  } else {
    target[key] = m.value;
  }
  return root;
}

/** A deep copy that keeps the markers (they are immutable) and own `__proto__` keys, so generated values are never changed in place. */
function copy(value: unknown): unknown {
  if (!isContainer(value)) return value;
  if (Array.isArray(value)) return value.map(copy);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) ownKey(out, key, copy(v));
  return out;
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === 'object' && value !== null && !(value instanceof Deep) && !(value instanceof Huge) && !(value instanceof HugeArray);
}

function pick(container: object, index: number): string | undefined {
  const keys = Object.keys(container);
  return keys.length === 0 ? undefined : keys[index % keys.length];
}
