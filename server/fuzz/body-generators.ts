import zlib from 'node:zlib';
import fc from 'fast-check';
import { mutate, mutation, nastyValue, toJsonText } from './nasty-values.js';

/** A request body as data: JSON (with markers for the bulky parts), raw bytes, or either under a Content-Encoding. */
export type FuzzBody =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  | { kind: 'bytes'; base64: string; note: string }
  | { kind: 'encoded'; encoding: string; valid: boolean; inner: FuzzBody };

const rawBytes: fc.Arbitrary<FuzzBody> = fc.oneof(
  fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ kind: 'bytes' as const, base64: Buffer.from(bytes).toString('base64'), note: 'random bytes' })),
  fc
    .constantFrom('', '{', '[', 'null', 'undefined', '{"a":1,}', "{'a':1}", '{"a":1}{"b":2}', '\ufeff{}', '{"a":"\\ud800"}', '"\\u0000"', 'NaN', '1e999999')
    .map((text) => ({ kind: 'bytes' as const, base64: Buffer.from(text).toString('base64'), note: JSON.stringify(text) })),
  fc.constantFrom([0xff, 0xfe, 0x7b, 0x7d], [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d], [0xed, 0xa0, 0x80]).map((bytes) => ({
    kind: 'bytes' as const,
    base64: Buffer.from(bytes).toString('base64'),
    note: 'invalid UTF-8',
  })),
);

function jsonBodyArb(seeds: unknown[]): fc.Arbitrary<FuzzBody> {
  const json = (value: unknown): FuzzBody => ({ kind: 'json', value });
  const options: fc.WeightedArbitrary<FuzzBody>[] = [
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map(json) },
    { weight: 1, arbitrary: nastyValue.map(json) },
  ];
  if (seeds.length > 0) {
    options.push(
      { weight: 4, arbitrary: fc.constantFrom(...seeds).map(json) },
      { weight: 8, arbitrary: fc.tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([seed, ms]) => json(mutate(seed, ms))) },
    );
  }
  return fc.oneof(...options);
}

const ENCODINGS = ['gzip', 'deflate', 'br', 'identity', 'x-gzip', 'GZIP', 'gzip, gzip', 'compress', 'zstd', 'x-unknown', ''];

export function bodyArb(seeds: unknown[]): fc.Arbitrary<FuzzBody> {
  const plain = fc.oneof({ weight: 8, arbitrary: jsonBodyArb(seeds) }, { weight: 2, arbitrary: rawBytes });
  const encoded = fc
    .record({ encoding: fc.constantFrom(...ENCODINGS), valid: fc.boolean(), inner: plain })
    .map((b): FuzzBody => ({ kind: 'encoded', ...b }));
  return fc.oneof({ weight: 2, arbitrary: fc.constant<FuzzBody>({ kind: 'none' }) }, { weight: 10, arbitrary: plain }, { weight: 2, arbitrary: encoded });
}

/** The bytes of a body: JSON text, or compressed (validly or not) under its Content-Encoding. */
export function bodyBytes(body: FuzzBody): Buffer | undefined {
  switch (body.kind) {
    case 'none':
      return undefined;
    case 'json':
      return Buffer.from(toJsonText(body.value), 'utf8');
    case 'bytes':
      return Buffer.from(body.base64, 'base64');
    case 'encoded': {
      const inner = bodyBytes(body.inner) ?? Buffer.alloc(0);
      if (!body.valid) return inner; // Labelled compressed, but not.
      const name = body.encoding.toLowerCase();
      if (name === 'gzip' || name === 'x-gzip') return zlib.gzipSync(inner);
      if (name === 'deflate') return zlib.deflateSync(inner);
      if (name === 'br') return zlib.brotliCompressSync(inner);
      // Valid gzip data under a name the server should not accept, or stacked twice.
      return name === 'gzip, gzip' ? zlib.gzipSync(zlib.gzipSync(inner)) : zlib.gzipSync(inner);
    }
  }
}

