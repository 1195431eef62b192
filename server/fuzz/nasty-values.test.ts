import { describe, expect, it } from 'vitest';
import { Deep, Huge, HugeArray, describeValue, mutate, ownKey, toJsonText } from './nasty-values.js';

describe('nasty values', () => {
  it('serialises deep, huge and long values to valid JSON without recursion', () => {
    const text = toJsonText({ data: { a: new Deep(20_000, 'array'), b: new Deep(3, 'object') }, title: new Huge(5, 'é'), to: new HugeArray(3, 'x') });
    expect(text.length).toBeGreaterThan(40_000);
    expect(text).toContain('"b":{"a":{"a":{"a":1}}}');
    expect(text).toContain('"title":"ééééé","to":["x","x","x"]');
    expect(toJsonText({ s: 'a\ud800b' })).toBe('{"s":"a\\ud800b"}');
  });

  it('puts __proto__ on the wire as an own key', () => {
    expect(toJsonText(ownKey({}, '__proto__', { admin: true }))).toBe('{"__proto__":{"admin":true}}');
  });

  it('mutates a copy, never the seed or the generated value', () => {
    const seed = { to: { userIds: ['u'] }, data: { orderId: '1' } };
    const value = { x: [1] };
    const out = mutate(seed, [
      { path: [1, 0], op: 'set', key: '', value },
      { path: [1, 0, 0], op: 'add-key', key: 'y', value: 2 },
    ]);
    expect(seed).toEqual({ to: { userIds: ['u'] }, data: { orderId: '1' } });
    expect(value).toEqual({ x: [1] });
    expect(describeValue(out)).toBe('{"to":{"userIds":["u"]},"data":{"orderId":{"x":[1],"y":2}}}');
  });
});
