/**
 * Expired messages leave the inbox at their `expiresAt`, not at the next
 * event or clock tick: one timer, set to the soonest expiry the view knows
 * of, fires a re-evaluation of "now". It is re-armed whenever the list
 * changes.
 */

/**
 * The longest single wait. `setTimeout` fires at once past 2^31−1 ms (about
 * 24.8 days), and a long wait drifts while the device sleeps; a far-future
 * expiry is therefore reached in steps of at most this.
 */
export const MAX_EXPIRY_WAIT_MS = 5 * 60_000;

/** The soonest `expiresAtMs` after `now` among the rows and any extra instants. */
export function soonestExpiry(rows: readonly { expiresAtMs?: number | undefined }[], now: number, ...extra: (number | undefined)[]): number | undefined {
  let soonest: number | undefined;
  for (const at of [...rows.map((row) => row.expiresAtMs), ...extra]) {
    if (at !== undefined && at > now && (soonest === undefined || at < soonest)) soonest = at;
  }
  return soonest;
}

export class ExpiryTimer {
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** `onExpire` runs once the armed instant has passed by the wall clock. */
  constructor(private readonly onExpire: () => void) {}

  /** Replaces any earlier arming; `undefined` leaves nothing armed. */
  arm(at: number | undefined): void {
    this.stop();
    if (at === undefined) return;
    const wait = Math.min(Math.max(at - Date.now(), 0), MAX_EXPIRY_WAIT_MS);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // Capped, or woken a little early: wait the rest.
      if (Date.now() < at) this.arm(at);
      else this.onExpire();
    }, wait);
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
