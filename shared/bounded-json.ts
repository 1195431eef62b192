import { walkJson, type JsonProblem } from './json-walk.js';
import { LIMITS } from './limits.js';

/**
 * Keys refused anywhere inside `data`. `JSON.parse` keeps `"__proto__"` as an
 * own key, but copying such an object (zod's record, a spread, lodash merge in
 * a merchant's own code) either drops it silently or replaces the prototype;
 * `constructor` and `prototype` are the other two names prototype-pollution
 * gadgets rely on. `data` is free-form metadata, so refusing them costs nothing.
 */
export const FORBIDDEN_DATA_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/** The shape `data` may have; see docs/api.md ("Limits of `data`"). */
export const DATA_BOUNDS = {
  /** Containers nested inside each other, `data` itself included. */
  depth: LIMITS.dataDepth,
  keysPerObject: LIMITS.dataKeysPerObject,
  arrayLength: LIMITS.dataArrayLength,
  /** Every value inside `data` (containers and scalars alike), `data` itself included. */
  nodes: LIMITS.dataNodes,
} as const;

/**
 * The first way `value` breaks the bounds of `data`, or undefined. Runs
 * before any recursive check (zod's `z.json()`), so those only ever see a
 * value a few levels deep.
 */
export function dataShapeProblem(value: unknown, bounds = DATA_BOUNDS): JsonProblem | undefined {
  let nodes = 0;
  return walkJson(value, ({ value: node, key, depth }) => {
    if (++nodes > bounds.nodes) return `must hold at most ${bounds.nodes} values in all`;
    if (typeof key === 'string' && FORBIDDEN_DATA_KEYS.includes(key)) return `key "${key}" is not allowed`;
    if (typeof node !== 'object' || node === null) return undefined;
    // `depth` counts the containers above this one; this one is the (depth + 1)th level.
    if (depth + 1 > bounds.depth) return `must not nest objects or arrays more than ${bounds.depth} deep`;
    if (Array.isArray(node)) {
      if (node.length > bounds.arrayLength) return `arrays must have at most ${bounds.arrayLength} items`;
    } else if (Object.keys(node).length > bounds.keysPerObject) {
      return `objects must have at most ${bounds.keysPerObject} keys`;
    }
    return undefined;
  });
}
