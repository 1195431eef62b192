/**
 * An iterative walk over a JSON-like value. Hostile input can nest arrays
 * tens of thousands deep within a few kilobytes; a recursive walk (zod's
 * `z.json()`, a naive `JSON.stringify` replacer) would overflow the stack and
 * throw `RangeError` instead of answering. This keeps its own stack on the heap.
 */

export type JsonPath = (string | number)[];

export interface JsonProblem {
  path: JsonPath;
  message: string;
}

/** What a visitor sees: the node, its key in its parent (undefined at the root) and how many containers hold it. */
export interface JsonNode {
  value: unknown;
  key: string | number | undefined;
  /** 0 for the root; a child of the root is at depth 1. */
  depth: number;
}

interface Frame extends JsonNode {
  parent: Frame | undefined;
}

/**
 * Visits every node (arrays and plain objects are descended into, own
 * enumerable keys only) until `visit` names a problem, and returns it with
 * its path. Paths are rebuilt only for the one problem found, so a deep
 * value costs linear memory.
 */
export function walkJson(root: unknown, visit: (node: JsonNode) => string | undefined): JsonProblem | undefined {
  const stack: Frame[] = [{ value: root, key: undefined, depth: 0, parent: undefined }];
  for (let frame = stack.pop(); frame; frame = stack.pop()) {
    const message = visit(frame);
    if (message !== undefined) return { path: pathOf(frame), message };
    const { value } = frame;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], key: i, depth: frame.depth + 1, parent: frame });
    } else if (isPlainObject(value)) {
      // Object.keys lists an own "__proto__" that JSON.parse created, so visitors can refuse it.
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        stack.push({ value: (value as Record<string, unknown>)[key], key, depth: frame.depth + 1, parent: frame });
      }
    }
  }
  return undefined;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function pathOf(frame: Frame): JsonPath {
  const path: JsonPath = [];
  for (let at: Frame | undefined = frame; at?.key !== undefined; at = at.parent) path.push(at.key);
  return path.reverse();
}
