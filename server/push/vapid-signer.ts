import webpush from 'web-push';
import type { VapidKeys } from './vapid-keys.js';

/** JWTs live 12 h (the limit is 24 h) and are replaced after 6 h, so clock skew never expires one in flight. */
export const VAPID_JWT_LIFETIME_SECONDS = 12 * 3600;
export const VAPID_JWT_RENEW_AFTER_MS = 6 * 3600 * 1000;

interface CachedHeader {
  authorization: string;
  signedAt: number;
}

/**
 * The VAPID `Authorization` header per push-service origin. `web-push` signs a
 * fresh ES256 JWT for every message; one per origin every six hours is enough,
 * because a JWT names only the audience (the origin), subject and expiry.
 */
export class VapidSigner {
  private readonly cache = new Map<string, CachedHeader>();

  constructor(
    private readonly keys: VapidKeys,
    private readonly subject: string,
    private readonly now: () => number = Date.now,
  ) {}

  get publicKey(): string {
    return this.keys.publicKey;
  }

  /** `vapid t=<jwt>, k=<public key>` for the origin of an endpoint. */
  authorizationFor(origin: string): string {
    const now = this.now();
    const cached = this.cache.get(origin);
    if (cached && now - cached.signedAt < VAPID_JWT_RENEW_AFTER_MS) return cached.authorization;
    const expiration = Math.floor(now / 1000) + VAPID_JWT_LIFETIME_SECONDS;
    const headers = webpush.getVapidHeaders(
      origin,
      this.subject,
      this.keys.publicKey,
      this.keys.privateKey,
      'aes128gcm',
      expiration,
    );
    const authorization = String(headers.Authorization);
    this.cache.set(origin, { authorization, signedAt: now });
    return authorization;
  }
}
