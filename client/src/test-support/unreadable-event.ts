import { message } from './messages.js';

/**
 * The JSON text of a message event whose `data` is an array nested `depth`
 * deep: what an older server accepted and stored, and what made the shared
 * schema throw `RangeError: Maximum call stack size exceeded` on the client.
 * Built as text because `JSON.stringify` itself runs out of stack at that
 * depth (JSON.parse does not: it is iterative).
 */
export function deepEventJson(seq: number, id = `deep${seq}`, depth = 5000): string {
  const head = JSON.stringify({ seq, kind: 'message', message: message(id, seq) }).slice(0, -2);
  return `${head},"data":{"nest":${'['.repeat(depth)}${']'.repeat(depth)}}}}`;
}

/** The same event, parsed. */
export function deepEvent(seq: number, id?: string, depth?: number): unknown {
  return JSON.parse(deepEventJson(seq, id, depth));
}
