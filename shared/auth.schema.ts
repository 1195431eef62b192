import { z } from 'zod';
import { LIMITS } from './limits.js';
import { userIdSchema } from './message.schema.js';

/**
 * The shopper's display name as the platform knows it, carried in the signed
 * token so `GET /api/v1/me` can answer it without a shopper table. Bounded like
 * a sender name; control characters are refused because it is shown in the PWA.
 */
export const shopperNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(LIMITS.senderNameLength)
  .regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, 'must not contain control characters');

export const shopperTokenRequestSchema = z.strictObject({
  userId: userIdSchema,
  name: shopperNameSchema.optional(),
  ttlSeconds: z
    .number()
    .int()
    .min(LIMITS.shopperTokenTtlSecondsMin)
    .max(LIMITS.shopperTokenTtlSecondsMax)
    .default(LIMITS.shopperTokenTtlSecondsDefault),
});

export const shopperTokenResponseSchema = z.object({
  token: z.string(),
  userId: z.string(),
  expiresAt: z.iso.datetime(),
});
export type ShopperTokenResponse = z.infer<typeof shopperTokenResponseSchema>;

/** `GET /api/v1/me` (shopper): who the token speaks for; `name` only when the platform gave one at minting. */
export const meResponseSchema = z.object({
  userId: z.string(),
  name: z.string().optional(),
});
export type MeResponse = z.infer<typeof meResponseSchema>;

/** `GET /api/v1/demo`: only answered when the server runs in demo mode. */
export const demoInfoSchema = z.object({
  shopName: z.string(),
  shoppers: z.array(z.object({ userId: z.string(), name: z.string() })),
  /** The demo merchant key, so the demo console can send. Never in production. */
  merchantKey: z.string(),
});
export type DemoInfo = z.infer<typeof demoInfoSchema>;

export const demoSignInRequestSchema = z.strictObject({ userId: userIdSchema });
