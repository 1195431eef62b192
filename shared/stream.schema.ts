import { z } from 'zod';
import { cursorSchema } from './event.schema.js';
import { syncEventSchema } from './event.schema.js';

/** Bumped when a frame changes incompatibly; the server refuses other versions. */
export const STREAM_PROTOCOL_VERSION = 1;

/** Close codes of `/api/v1/stream` (4xxx: application-defined, mirroring HTTP). */
export const STREAM_CLOSE = {
  /** A frame was not JSON or not a valid frame. */
  badFrame: 4400,
  /** The hello's token was missing, invalid or expired; get a fresh one. */
  unauthorized: 4401,
  /** No hello within the allowed time. */
  helloTimeout: 4408,
  /** The client read too slowly; reconnect and resume from the cursor. */
  tooSlow: 4429,
  /**
   * The shopper already has the most open streams allowed (STREAM_MAX_PER_SHOPPER):
   * this newest one is refused and the open ones stay. Retry later with backoff,
   * or rely on /me/sync meanwhile.
   */
  tooManyConnections: 4409,
  /** Protocol version not supported. */
  unsupportedProtocol: 4426,
  /** The server is shutting down; reconnect (to another instance) and resume. */
  goingAway: 1001,
} as const;

export const clientFrameSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('hello'),
    token: z.string().min(1).max(4096),
    after: cursorSchema.optional(),
    protocol: z.number().int().positive().optional(),
  }),
]);
export type ClientFrame = z.infer<typeof clientFrameSchema>;

export const serverFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('event'), event: syncEventSchema }),
  /** Everything up to `cursor` has been sent; what follows is live. */
  z.object({ type: z.literal('synced'), cursor: cursorSchema }),
  /** Sent every `heartbeatMs`; a client that hears nothing for twice that reconnects. */
  z.object({ type: z.literal('heartbeat') }),
  z.object({
    type: z.literal('welcome'),
    userId: z.string(),
    protocol: z.number().int(),
    heartbeatMs: z.number().int().positive(),
  }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type ServerFrame = z.infer<typeof serverFrameSchema>;
