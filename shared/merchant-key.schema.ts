import { z } from 'zod';
import { LIMITS } from './limits.js';

/**
 * Who a merchant key speaks for. `platform`: the shop or marketplace backend,
 * fully trusted. `seller`: one seller on a marketplace, limited to its own
 * messages and its own store topic (see docs/security.md).
 */
export const MERCHANT_ROLES = ['platform', 'seller'] as const;
export const merchantRoleSchema = z.enum(MERCHANT_ROLES);
export type MerchantRole = z.infer<typeof merchantRoleSchema>;

/** A key's name becomes a seller's `sender.name`, so it obeys the same limit. */
export const merchantKeyNameSchema = z.string().trim().min(1).max(LIMITS.senderNameLength);

/** Body of `POST /api/v1/merchant-keys`. */
export const createMerchantKeyRequestSchema = z.strictObject({
  name: merchantKeyNameSchema,
  role: merchantRoleSchema,
});
export type CreateMerchantKeyRequest = z.infer<typeof createMerchantKeyRequestSchema>;

/** One key as `GET /api/v1/merchant-keys` lists it: never the key, never its hash. */
export const merchantKeySummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  role: merchantRoleSchema,
  createdAt: z.iso.datetime(),
  /** Set once the key has been revoked; a revoked key authenticates nothing. */
  revokedAt: z.iso.datetime().optional(),
});
export type MerchantKeySummary = z.infer<typeof merchantKeySummarySchema>;

export const merchantKeyListResponseSchema = z.object({ keys: z.array(merchantKeySummarySchema) });
export type MerchantKeyListResponse = z.infer<typeof merchantKeyListResponseSchema>;

/** `201` answer to `POST /api/v1/merchant-keys`: the only time the key itself is shown. */
export const createMerchantKeyResponseSchema = merchantKeySummarySchema.extend({ key: z.string() });
export type CreateMerchantKeyResponse = z.infer<typeof createMerchantKeyResponseSchema>;
