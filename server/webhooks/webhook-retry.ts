/**
 * When to try a delivery again, and when to stop. The default schedule is
 * the one Standard Webhooks suggests plus one more 10 h step: 9 attempts over
 * about 37.6 hours (at least 30 h with the jitter), so an endpoint down for a
 * whole day still gets every event.
 */
export interface WebhookRetryPolicy {
  /** Wait after the 1st, 2nd, … failed attempt; when they run out the delivery fails for good. */
  delaysMs: readonly number[];
  /** ± this fraction of each delay, so deliveries that failed together do not retry together. */
  jitter: number;
  /** Longest wait a Retry-After may ask for (a longer one is shortened to this). */
  maxRetryAfterMs: number;
  /** An endpoint failing without a single success for this long is disabled. */
  disableAfterMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const DEFAULT_WEBHOOK_RETRY: WebhookRetryPolicy = {
  delaysMs: [5_000, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR, 10 * HOUR],
  jitter: 0.2,
  maxRetryAfterMs: 24 * HOUR,
  disableAfterMs: 5 * 24 * HOUR,
};

/**
 * The wait after `attempt` (1-based, the one that just failed), or undefined
 * when the schedule is exhausted. Retry-After is honoured: never earlier than
 * the receiver asked.
 */
export function nextDelayMs(
  policy: WebhookRetryPolicy,
  attempt: number,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number | undefined {
  const base = policy.delaysMs[attempt - 1];
  if (base === undefined) return undefined;
  const jittered = Math.round(base * (1 + policy.jitter * (2 * random() - 1)));
  return Math.max(jittered, Math.min(retryAfterMs ?? 0, policy.maxRetryAfterMs));
}
