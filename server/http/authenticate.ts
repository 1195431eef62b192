import type { Request } from 'express';
import { findMerchantByKey } from '../auth/merchant-keys.js';
import { requireRole, type MerchantAction } from '../auth/permissions.js';
import type { ShopperClaims, ShopperTokens } from '../auth/shopper-tokens.js';
import type { MerchantRecord, Store } from '../store/store.js';
import { HttpError } from './http-error.js';

const MERCHANT_KEY_PREFIX = 'tdk_';

function bearer(req: Request): string {
  const header = req.get('authorization');
  if (!header) {
    throw new HttpError(401, 'unauthorized', 'Missing Authorization header; send "Authorization: Bearer <key or token>"', undefined, {
      'WWW-Authenticate': 'Bearer',
    });
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new HttpError(401, 'unauthorized', 'Authorization header must be "Bearer <key or token>"');
  return match[1]!;
}

/**
 * The merchant holding this key, if it may take `action`: the check every
 * merchant route makes, shared with the AMQP consumer (server/amqp/) so a key
 * is judged the same whichever way its messages arrive.
 */
export async function authorizeMerchantKey(store: Store, key: string, action: MerchantAction): Promise<MerchantRecord> {
  // Looked up every time, with no cache: a revocation holds at once on every instance.
  const merchant = await findMerchantByKey(store, key);
  if (!merchant) throw new HttpError(401, 'invalid-credentials', 'Unknown merchant key');
  if (merchant.revokedAt) throw new HttpError(401, 'invalid-credentials', 'This merchant key has been revoked');
  requireRole(merchant, action);
  return merchant;
}

export interface Authenticator {
  /**
   * The merchant whose key made the request, if its role may take `action`
   * (403 `forbidden-for-role` otherwise; see auth/permissions.ts). Every
   * merchant route names its action, so none can forget authorisation.
   */
  merchant(req: Request, action: MerchantAction): Promise<MerchantRecord>;
  shopper(req: Request): string;
  /** The verified claims of the shopper token (user id, and name when the platform gave one). */
  shopperClaims(req: Request): ShopperClaims;
}

/** Resolves the caller of a request: a merchant key or a shopper token, never mixed up. */
export function createAuthenticator(store: Store, tokens: ShopperTokens): Authenticator {
  return {
    async merchant(req, action) {
      const credential = bearer(req);
      if (!credential.startsWith(MERCHANT_KEY_PREFIX)) {
        if (tokens.verify(credential).ok) {
          throw new HttpError(403, 'wrong-credential-kind', 'This route needs a merchant key, not a shopper token');
        }
        throw new HttpError(401, 'invalid-credentials', 'Unknown merchant key');
      }
      return authorizeMerchantKey(store, credential, action);
    },
    shopper(req) {
      return this.shopperClaims(req).sub;
    },
    shopperClaims(req) {
      const credential = bearer(req);
      if (credential.startsWith(MERCHANT_KEY_PREFIX)) {
        throw new HttpError(403, 'wrong-credential-kind', 'This route needs a shopper token, not a merchant key');
      }
      const check = tokens.verify(credential);
      if (!check.ok) {
        const message =
          check.reason === 'token-expired' ? 'Shopper token has expired; ask the shop for a fresh one' : 'Invalid shopper token';
        throw new HttpError(401, check.reason, message);
      }
      return check.claims;
    },
  };
}
