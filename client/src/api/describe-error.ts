import { en } from '../i18n/en.js';
import { ApiError, NetworkError, ProtocolError } from './api-error.js';

/**
 * The one mapping from errors to words a person reads. Known codes get the
 * app's own sentence; unknown ones fall back to the server's message, which
 * is written for developers but beats saying nothing.
 */
export function describeError(error: unknown): string {
  if (error instanceof NetworkError) return en.errors.network;
  if (error instanceof ProtocolError) return en.errors.protocol;
  if (error instanceof ApiError) return messageForCode(error.code) ?? error.message;
  return en.errors.byCode.internal;
}

/** Codes outside `ERROR_CODES` (an `http-<status>` fallback, a newer server) have no sentence. */
function messageForCode(code: string): string | undefined {
  return Object.hasOwn(en.errors.byCode, code) ? en.errors.byCode[code as keyof typeof en.errors.byCode] : undefined;
}
