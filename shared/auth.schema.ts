import { z } from 'zod';
import { LIMITS } from './limits.js';
import { userIdSchema } from './message.schema.js';

export const shopperTokenRequestSchema = z.strictObject({
  userId: userIdSchema,
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

/** `GET /api/v1/demo`: only answered when the server runs in demo mode. */
export const demoInfoSchema = z.object({
  shopName: z.string(),
  shoppers: z.array(z.object({ userId: z.string(), name: z.string() })),
  /** The demo merchant key, so the demo console can send. Never in production. */
  merchantKey: z.string(),
});
export type DemoInfo = z.infer<typeof demoInfoSchema>;

export const demoSignInRequestSchema = z.strictObject({ userId: userIdSchema });
