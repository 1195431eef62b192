import crypto from 'node:crypto';
import { z } from 'zod';
import type { Store } from '../store/store.js';

const TOKEN_VERSION = 'v1';
const SECRET_SETTING = 'shopper-token-secret';

// `name` is optional so tokens minted before it existed still verify.
const claimsSchema = z.object({ sub: z.string().min(1), name: z.string().optional(), iat: z.number().int(), exp: z.number().int() });
export type ShopperClaims = z.infer<typeof claimsSchema>;

export type TokenCheck =
  | { ok: true; claims: ShopperClaims }
  | { ok: false; reason: 'invalid-credentials' | 'token-expired' };

/**
 * Signed, expiring shopper tokens: `v1.<claims>.<hmac>`, base64url. The
 * signing secret lives in the store, so every instance on the same database
 * accepts every token without sticky sessions.
 */
export class ShopperTokens {
  private constructor(private readonly secret: Buffer) {}

  static async fromStore(store: Store): Promise<ShopperTokens> {
    const secret = await store.getOrInitSetting(SECRET_SETTING, crypto.randomBytes(32).toString('base64url'));
    return new ShopperTokens(Buffer.from(secret, 'base64url'));
  }

  mint(userId: string, ttlSeconds: number, now = Date.now(), name?: string): { token: string; expiresAt: string } {
    const iat = Math.floor(now / 1000);
    const claims: ShopperClaims = { sub: userId, ...(name !== undefined ? { name } : {}), iat, exp: iat + ttlSeconds };
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const signed = `${TOKEN_VERSION}.${body}`;
    return { token: `${signed}.${this.sign(signed)}`, expiresAt: new Date(claims.exp * 1000).toISOString() };
  }

  verify(token: string, now = Date.now()): TokenCheck {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== TOKEN_VERSION) return { ok: false, reason: 'invalid-credentials' };
    const expected = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`));
    const given = Buffer.from(parts[2]!);
    if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) {
      return { ok: false, reason: 'invalid-credentials' };
    }
    let claims: ShopperClaims;
    try {
      claims = claimsSchema.parse(JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')));
    } catch {
      return { ok: false, reason: 'invalid-credentials' };
    }
    if (claims.exp * 1000 <= now) return { ok: false, reason: 'token-expired' };
    return { ok: true, claims };
  }

  private sign(text: string): string {
    return crypto.createHmac('sha256', this.secret).update(text).digest('base64url');
  }
}
