import type { SendMessageResponse } from '../../../shared/message.schema.js';
import { ApiError, type ErrorIssue } from '../api/api-error.js';
import { describeError } from '../api/describe-error.js';

/** What one press of "Send" came to, as the console lists it. */
export type SendOutcome =
  | { ok: true; at: number; title: string; topic?: string | undefined; response: SendMessageResponse }
  | { ok: false; at: number; title: string; code: string; message: string; issues: readonly ErrorIssue[] };

export function failedOutcome(title: string, error: unknown): SendOutcome {
  const at = Date.now();
  if (error instanceof ApiError) {
    return { ok: false, at, title, code: error.code, message: error.message, issues: error.issues };
  }
  return { ok: false, at, title, code: error instanceof Error ? error.name : 'error', message: describeError(error), issues: [] };
}
