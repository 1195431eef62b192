import { errorBodySchema, type ErrorCode } from '../../../shared/errors.js';

export interface ErrorIssue {
  path: string;
  message: string;
}

/** The server answered with an error body (or a status without one). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    /** A code from `ERROR_CODES`, or `http-<status>` when the body had none. */
    readonly code: ErrorCode | `http-${number}`,
    message: string,
    readonly issues: readonly ErrorIssue[] = [],
  ) {
    super(message);
  }

  static async fromResponse(response: Response): Promise<ApiError> {
    const body = errorBodySchema.safeParse(await response.json().catch(() => undefined));
    if (!body.success) {
      return new ApiError(response.status, `http-${response.status}`, response.statusText || 'request failed');
    }
    const { code, message, issues } = body.data.error;
    return new ApiError(response.status, code as ErrorCode, message, issues ?? []);
  }
}

/** The request never got an answer: offline, DNS, server down. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
}

/** The server answered but not with what the contract promises. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

/** The shopper token is no good any more: ask for a fresh sign-in link. */
export function isTokenRejected(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    (error.status === 401 || error.code === 'token-expired' || error.code === 'invalid-credentials')
  );
}
