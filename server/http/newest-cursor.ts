import type { NewestCursor } from '../store/message-lifecycle.js';
import { HttpError } from './http-error.js';

/**
 * The `next` of a newest-first page: base64url of `[createdAt, id]`. Opaque to
 * callers, so the keyset behind it can change without changing the API.
 */
export function encodeNewestCursor(cursor: NewestCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString('base64url');
}

const BAD_CURSOR = 'must be the `next` of an earlier page of order=newest';

/** The cursor in `after`, or undefined for the first page; a cursor this server did not make is a 400. */
export function decodeNewestCursor(after: string): NewestCursor | undefined {
  if (after === '') return undefined;
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(after)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const [createdAt, id] = Array.isArray(parsed) && parsed.length === 2 ? (parsed as unknown[]) : [];
  if (typeof createdAt !== 'string' || Number.isNaN(Date.parse(createdAt)) || typeof id !== 'string' || id === '') {
    throw new HttpError(400, 'validation-failed', `Invalid list query: after: ${BAD_CURSOR}`, [{ path: 'after', message: BAD_CURSOR }]);
  }
  return { createdAt, id };
}
