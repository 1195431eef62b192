/** When to try a push again, and when to stop. */
export interface RetryPolicy {
  /** First backoff; each further attempt doubles it. */
  baseMs: number;
  /** Ceiling of one backoff (not of Retry-After, which is always honoured). */
  maxDelayMs: number;
  /** Attempts in total, the first included, before a push counts as failed. */
  maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseMs: 1_000,
  maxDelayMs: 30 * 60_000,
  // 1 s, 2 s, 4 s … 30 min: about four hours of outage before giving up.
  maxAttempts: 16,
};

/**
 * Exponential backoff with full jitter over the upper half, so a whole
 * fan-out that failed together does not retry together: attempt n (1-based,
 * the one that just failed) waits between half and all of base·2^(n-1).
 */
export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * When a push whose attempt `attempt` (1-based) was asked to retry goes
 * again: never earlier than the push service asked (`retryAfterMs`), after
 * the backoff otherwise; undefined once the policy's attempts are used up.
 */
export function retryDueAt(policy: RetryPolicy, attempt: number, retryAfterMs: number | undefined, now: number): number | undefined {
  if (attempt >= policy.maxAttempts) return undefined;
  return now + Math.max(backoffMs(policy, attempt), retryAfterMs ?? 0);
}

/**
 * Parses Retry-After: delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
 * Returns milliseconds from `now`, or undefined when absent or unparseable.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Every HTTP-date form names a month; Date.parse alone would read "-5" as a year.
  if (!/[A-Za-z]/.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
