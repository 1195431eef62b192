import { TokenBuckets, type RateLimit } from '../http/rate-limit.js';

export interface StreamLimitSettings {
  /** Open streams of one shopper (after hello); the newest beyond it is closed with 4409. 0: no cap. */
  maxPerShopper: number;
  /** Open or opening sockets from one client IP; beyond it the upgrade is answered 429. 0: no cap. */
  maxPerIp: number;
  /** Upgrades per client IP; beyond it 429 before any WebSocket work. A rate of 0 turns it off. */
  upgrades: RateLimit;
}

/** Defaults: far above any real shopper (tabs, phone, tablet), far below what one token could hog. */
export const DEFAULT_STREAM_LIMITS: StreamLimitSettings = {
  maxPerShopper: 20,
  maxPerIp: 200,
  upgrades: { perSecond: 20, burst: 100 },
};

export const NO_STREAM_LIMITS: StreamLimitSettings = { maxPerShopper: 0, maxPerIp: 0, upgrades: { perSecond: 0, burst: 1 } };

export type UpgradeVerdict = { ok: true } | { ok: false; reason: string; retryAfterSeconds: number };

/**
 * Who may hold how many streams, per instance: one token once held 2,000
 * streams, and 2,000 unauthenticated upgrades cost a third of a second of
 * the event loop. Counts live in memory; with several instances each applies
 * its own cap (a stream is long-lived, so the per-instance count is the one
 * that protects that instance's memory).
 */
export class StreamLimits {
  private readonly perIp = new Map<string, number>();
  private readonly perShopper = new Map<string, number>();
  private readonly upgrades: TokenBuckets | undefined;

  constructor(
    private readonly settings: StreamLimitSettings,
    now: () => number = Date.now,
  ) {
    this.upgrades = settings.upgrades.perSecond > 0 ? new TokenBuckets(settings.upgrades, now) : undefined;
  }

  /** Called before the WebSocket handshake; on ok the caller must `releaseIp` when the socket ends. */
  admitUpgrade(ip: string): UpgradeVerdict {
    const waitMs = this.upgrades?.take(ip) ?? 0;
    if (waitMs > 0) return { ok: false, reason: 'too many stream upgrades from this IP address', retryAfterSeconds: Math.ceil(waitMs / 1000) };
    const open = this.perIp.get(ip) ?? 0;
    if (this.settings.maxPerIp > 0 && open >= this.settings.maxPerIp) {
      return { ok: false, reason: 'too many open streams from this IP address', retryAfterSeconds: 5 };
    }
    this.perIp.set(ip, open + 1);
    return { ok: true };
  }

  releaseIp(ip: string): void {
    release(this.perIp, ip);
  }

  /**
   * Called at hello. The newest stream beyond the cap is refused rather than
   * the oldest closed: today's client reconnects after any other close, so
   * evicting the oldest would make a 21st tab evict the others round and
   * round, while a refused newcomer backs off and the open tabs stay live.
   */
  admitShopper(userId: string): boolean {
    const open = this.perShopper.get(userId) ?? 0;
    if (this.settings.maxPerShopper > 0 && open >= this.settings.maxPerShopper) return false;
    this.perShopper.set(userId, open + 1);
    return true;
  }

  releaseShopper(userId: string): void {
    release(this.perShopper, userId);
  }
}

/** Drops a key at zero, so memory follows the callers connected now, not all ever seen. */
function release(counts: Map<string, number>, key: string): void {
  const open = (counts.get(key) ?? 0) - 1;
  if (open > 0) counts.set(key, open);
  else counts.delete(key);
}
