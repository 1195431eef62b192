import crypto from 'node:crypto';
import { LIMITS } from '../../shared/limits.js';
import { HttpError } from '../http/http-error.js';

/** How long a key's first answer is kept; a retry later than this is a new request. */
export const IDEMPOTENCY_RETENTION_MS = 24 * 3600 * 1000;

/** Visible ASCII only: keys end up in logs and SQL parameters, never in a path. */
const KEY_PATTERN = /^[\x21-\x7e]+$/;

/** Reads and checks the `Idempotency-Key` header; undefined when absent. */
export function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (header.length === 0 || header.length > LIMITS.idempotencyKeyLength || !KEY_PATTERN.test(header)) {
    throw new HttpError(
      400,
      'validation-failed',
      `Idempotency-Key must be 1–${LIMITS.idempotencyKeyLength} visible ASCII characters (a UUID is a good choice)`,
      [{ path: 'Idempotency-Key', message: 'invalid' }],
    );
  }
  return header;
}

/** JSON with sorted keys, so the same body in another key order hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Hash of the validated request: what "the same body" means for a retry. */
export function requestHash(request: unknown): string {
  return crypto.createHash('sha256').update(canonical(request)).digest('base64url');
}
