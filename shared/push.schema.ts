import { z } from 'zod';
import { LIMITS } from './limits.js';
import { messageSchema } from './message.schema.js';

/** Bumped when the push payload changes incompatibly; the service worker checks it. */
export const PUSH_PAYLOAD_VERSION = 1;

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Decodes unpadded base64url (what `PushSubscription.toJSON()` produces) with
 * `atob`, so the same check runs in the browser, the service worker and Node.
 * Returns undefined for anything that is not strictly base64url.
 */
export function decodeBase64Url(value: string): Uint8Array | undefined {
  if (!BASE64URL.test(value) || value.length % 4 === 1) return undefined;
  const base64 = value.replace(/-/g, '+').replace(/_/g, '/');
  let binary: string;
  try {
    binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  } catch {
    return undefined;
  }
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

/** The browser's P-256 public key: 65 bytes, uncompressed (0x04 ‖ x ‖ y). */
const p256dhSchema = z.string().refine((value) => {
  const bytes = decodeBase64Url(value);
  return bytes !== undefined && bytes.length === 65 && bytes[0] === 0x04;
}, 'must be an unpadded base64url uncompressed P-256 public key (65 bytes starting 0x04)');

/** RFC 8291 auth secret: exactly 16 bytes. */
const authSchema = z.string().refine((value) => decodeBase64Url(value)?.length === 16, 'must be 16 bytes of unpadded base64url');

/**
 * The endpoint's shape only; which push services are allowed is the server's
 * configuration. Kept in its WHATWG-serialised form, so that spellings of one
 * endpoint (`HTTPS://FCM.googleapis.com:443/…`, `/./`, a trailing `?`) are one
 * device, not a second row that the real one's owner cannot see or remove.
 */
const endpointSchema = z
  .string()
  .max(LIMITS.pushEndpointLength)
  .refine((value) => URL.canParse(value), 'must be an absolute URL')
  .refine((value) => !value.includes('#'), 'must not have a #fragment')
  .transform((value) => {
    const url = new URL(value);
    url.search = url.search; // "…/x?" and "…/x" are one endpoint: an empty query is dropped.
    return url.href;
  });

/** Body of `POST /api/v1/me/push-subscriptions`: `PushSubscription.toJSON()` as the browser gives it. */
export const pushSubscriptionSchema = z.strictObject({
  endpoint: endpointSchema,
  /** Milliseconds since the epoch, or null: browsers send null when the push service sets no expiry. */
  expirationTime: z.number().int().nonnegative().nullable().optional(),
  keys: z.strictObject({ p256dh: p256dhSchema, auth: authSchema }),
});
export type PushSubscriptionJson = z.infer<typeof pushSubscriptionSchema>;

/** Body of `DELETE /api/v1/me/push-subscriptions`. */
export const deletePushSubscriptionSchema = z.strictObject({ endpoint: endpointSchema });

export const pushSubscriptionResponseSchema = z.object({
  endpoint: z.string(),
  /** How many devices the shopper has subscribed now, this one included. */
  devices: z.number().int().positive(),
  /** Oldest subscriptions of the shopper removed to stay within the per-shopper cap. */
  evicted: z.number().int().nonnegative(),
});
export type PushSubscriptionResponse = z.infer<typeof pushSubscriptionResponseSchema>;

/** `GET /api/v1/vapid-public-key`: what `PushManager.subscribe({ applicationServerKey })` needs. */
export const vapidPublicKeyResponseSchema = z.object({ publicKey: p256dhSchema });
export type VapidPublicKeyResponse = z.infer<typeof vapidPublicKeyResponseSchema>;

/**
 * The plaintext of every Web Push message (at most LIMITS.pushPlaintextBytes
 * of UTF-8 JSON). When the message did not fit, `truncated` is true and the
 * service worker fetches the whole message from `GET /api/v1/me/messages/:id`.
 */
export const pushPayloadSchema = z.object({
  v: z.literal(PUSH_PAYLOAD_VERSION),
  kind: z.literal('message'),
  message: messageSchema,
  truncated: z.literal(true).optional(),
});
export type PushPayload = z.infer<typeof pushPayloadSchema>;

/**
 * The merchant retracted a message: the service worker closes its
 * notification (the one whose data.messageId matches) and removes it from
 * the inbox. Tiny on purpose: it carries no content.
 */
export const retractionPushPayloadSchema = z.object({
  v: z.literal(PUSH_PAYLOAD_VERSION),
  kind: z.literal('retracted'),
  messageId: z.string().min(1).max(LIMITS.idLength),
});
export type RetractionPushPayload = z.infer<typeof retractionPushPayloadSchema>;

/** Why pushes were held back and summarised: a digest's window ended, or deferred quiet hours did. */
export const SUMMARY_REASONS = ['digest', 'quiet-hours'] as const;

/**
 * Several held-back pushes as one notification (issue 15): `count` messages,
 * the newest of them as `message` (the click target). `title` is the
 * merchant's digest title with the count filled in; without one the service
 * worker builds a localised title from the count and reason.
 */
export const summaryPushPayloadSchema = z.object({
  v: z.literal(PUSH_PAYLOAD_VERSION),
  kind: z.literal('summary'),
  reason: z.enum(SUMMARY_REASONS),
  count: z.number().int().positive(),
  title: z.string().min(1).max(LIMITS.digestTitleLength + 16).optional(),
  message: messageSchema,
  truncated: z.literal(true).optional(),
});
export type SummaryPushPayload = z.infer<typeof summaryPushPayloadSchema>;

/** Every push Tidings sends, by `kind`: what a service worker parses. */
export const anyPushPayloadSchema = z.discriminatedUnion('kind', [pushPayloadSchema, retractionPushPayloadSchema, summaryPushPayloadSchema]);
export type AnyPushPayload = z.infer<typeof anyPushPayloadSchema>;
