/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

/**
 * No schema in shared/ may throw, whatever it is fed: the client parses every
 * event with these, and a throw there (instead of a failed result) blocked a
 * shopper's whole event log (issue 9). Every exported zod schema of every
 * module is found here, so a new one is covered without listing it.
 */
const modules = import.meta.glob<Record<string, unknown>>(['./**/*.ts', '!./**/*.test.ts'], { eager: true });
const schemas = Object.entries(modules).flatMap(([file, exports]) =>
  Object.entries(exports)
    .filter((entry): entry is [string, z.ZodType] => entry[1] instanceof z.ZodType)
    .map(([name, schema]) => ({ name: `${file}:${name}`, schema })),
);

function nested(depth: number, wrap: (inner: unknown) => unknown): unknown {
  let value: unknown = 0;
  for (let i = 0; i < depth; i++) value = wrap(value);
  return value;
}

const deepArray = nested(10_000, (inner) => [inner]);
const deepObject = nested(10_000, (inner) => ({ a: inner }));
const protoKey = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}') as unknown;
const hostileLeaves: unknown[] = [
  deepArray,
  // Deep enough that JSON.stringify itself overflows, not only zod's recursion.
  nested(1_000_000, (inner) => [inner]),
  deepObject,
  protoKey,
  'x'.repeat(5_000_000),
  '\ud800',
  '\udfff\ud800',
  'a\u0000b',
  '\u0000',
  '2026-02-31T25:61:61Z',
  '9999-12-31T23:59:59.999999999+14:00',
  '0000-01-01T00:00:00Z',
  Number.NaN,
  Infinity,
  -0,
  2 ** 64,
  null,
  undefined,
  [],
  {},
  Array.from({ length: 100_000 }, () => 0),
];

/** A message that is valid but for the one field a hostile value replaces. */
const message = {
  id: 'm1',
  type: 'system',
  category: 'order',
  priority: 3,
  title: 'Shipped',
  createdAt: '2026-01-01T00:00:00.000Z',
  data: { order: 1 },
};

/** Puts `leaf` where a real value of each wire format carries free-form or nested content. */
function carriers(leaf: unknown): unknown[] {
  const badMessages = [{ ...message, data: { x: leaf } }, { ...message, data: leaf }, { ...message, title: leaf }, { ...message, url: leaf }];
  return [
    leaf,
    ...badMessages.flatMap((bad) => [
      bad,
      { seq: 1, kind: 'message', message: bad },
      { type: 'event', event: { seq: 1, kind: 'message', message: bad } },
      { events: [{ seq: 1, kind: 'message', message: bad }], cursor: '1', more: false },
      { message: bad, v: 1 },
      { replies: [{ userId: 'u1', message: bad }] },
      { ...bad, status: 'sent', recipients: 1 },
      { to: { userIds: ['u1'] }, ...bad, id: undefined, type: undefined, createdAt: undefined, deliverAt: leaf },
    ]),
    { to: { userIds: [leaf] }, category: 'order', title: 'x', repeat: { cron: leaf, tz: leaf } },
    { changes: [{ messageId: leaf, state: { read: { value: true, at: leaf } } }] },
  ];
}

/** Every field name of an object schema (through pipes and refinements) set to the leaf. */
function everyFieldSetTo(schema: z.ZodType, leaf: unknown): unknown[] {
  const def = (schema as unknown as { _zod: { def: { shape?: object; in?: z.ZodType; schema?: z.ZodType } } })._zod.def;
  const shape = def.shape ?? (def.in && (def.in as unknown as { _zod: { def: { shape?: object } } })._zod.def.shape);
  return shape ? Object.keys(shape).map((key) => ({ [key]: leaf })) : [];
}

describe('every schema in shared/', () => {
  it('finds the schemas it checks', () => {
    expect(schemas.map((s) => s.name)).toEqual(expect.arrayContaining(['./message.schema.ts:messageSchema', './event.schema.ts:syncEventSchema']));
  });

  it.each(schemas)('$name returns a result for hostile input instead of throwing', ({ schema }) => {
    for (const leaf of hostileLeaves) {
      for (const input of [...carriers(leaf), ...everyFieldSetTo(schema, leaf)]) {
        let result: { success: boolean } | undefined;
        expect(() => {
          result = schema.safeParse(input);
        }).not.toThrow();
        expect(typeof result?.success).toBe('boolean');
      }
    }
  });

  it('refuses (rather than accepts or throws on) a message whose data nests too deep', async () => {
    const { messageSchema } = await import('./message.schema.js');
    const { syncEventSchema } = await import('./event.schema.js');
    expect(messageSchema.safeParse({ ...message, data: { x: deepArray } }).success).toBe(false);
    expect(syncEventSchema.safeParse({ seq: 1, kind: 'message', message: { ...message, data: { x: deepObject } } }).success).toBe(false);
    expect(syncEventSchema.safeParse({ seq: 1, kind: 'message', message }).success).toBe(true);
  });
});
