import { t } from '../i18n/i18n.js';
import { ApiError, NetworkError, ProtocolError } from './api-error.js';

/**
 * The one mapping from errors to words a person reads. Known codes get the
 * app's own sentence; unknown ones fall back to the server's message, which
 * is written for developers but beats saying nothing.
 */
export function describeError(error: unknown): string {
  if (error instanceof NetworkError) return t.errors.network;
  if (error instanceof ProtocolError) return t.errors.protocol;
  if (error instanceof ApiError) return describeCode(error.code, error.message);
  return t.errors.byCode.internal;
}

/** The app's sentence for an error code; codes outside `ERROR_CODES` (an `http-<status>` fallback, a newer server) get `fallback`. */
export function describeCode(code: string, fallback: string): string {
  return Object.hasOwn(t.errors.byCode, code) ? t.errors.byCode[code as keyof typeof t.errors.byCode] : fallback;
}
