import type { ErrorCode } from '../../shared/errors.js';

/** An error that becomes a 4xx answer with a stable code; anything else is a hidden 500. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly issues?: { path: string; message: string }[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}
