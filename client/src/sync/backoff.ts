export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  /** Injected for tests; Math.random in the app. */
  random?: () => number;
}

export const RECONNECT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 30_000 };

/**
 * Delay before reconnect attempt `attempt` (0 for the first retry):
 * exponential up to the cap, with "equal jitter" — half fixed, half random —
 * so that thousands of shoppers dropped by one server restart do not all come
 * back in the same instant, yet no retry fires immediately.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = RECONNECT_BACKOFF): number {
  const random = options.random ?? Math.random;
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
