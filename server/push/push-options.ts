import crypto from 'node:crypto';
import type { Message } from '../../shared/message.schema.js';

/** RFC 8030 header values of one push; the same for every subscription of a message. */
export interface PushOptions {
  /** Seconds the push service keeps the push for an offline device. */
  ttl: number;
  urgency: 'very-low' | 'low' | 'normal' | 'high';
  /** Replaces a still-undelivered push with the same topic on the push service. */
  topic?: string;
}

/** Without an expiry a push waits as long as push services keep anything (about four weeks). */
export const DEFAULT_TTL_SECONDS = 28 * 24 * 3600;

const URGENCY_BY_PRIORITY: Record<number, PushOptions['urgency']> = {
  1: 'very-low',
  2: 'low',
  3: 'normal',
  4: 'high',
  5: 'high',
};

/**
 * A topic is at most 32 characters of base64url. Collapse keys are up to 64
 * characters of a wider alphabet, so they are hashed: the same key always
 * gives the same topic, and 192 bits make collisions between keys moot.
 */
export function topicOf(collapseKey: string): string {
  return crypto.createHash('sha256').update(collapseKey).digest('base64url').slice(0, 32);
}

/**
 * TTL counts from the moment of sending, so a retried push never outlives the
 * message's expiry. `topic` is `topicOf(message.collapseKey)`, passed by
 * callers that hashed it once for all of a message's pushes.
 */
export function pushOptionsFor(
  message: Message,
  now: number,
  topic = message.collapseKey ? topicOf(message.collapseKey) : undefined,
): PushOptions {
  const ttl = message.expiresAt
    ? Math.max(0, Math.floor((Date.parse(message.expiresAt) - now) / 1000))
    : DEFAULT_TTL_SECONDS;
  return {
    ttl,
    urgency: URGENCY_BY_PRIORITY[message.priority] ?? 'normal',
    ...(topic ? { topic } : {}),
  };
}

/**
 * A held push summary's options: those of its newest message, without a topic, so that on the push
 * service it never replaces a pending push of one of its messages' collapse keys.
 */
export function summaryPushOptionsFor(newest: Message, now: number): PushOptions {
  const { topic: _topic, ...options } = pushOptionsFor(newest, now);
  return options;
}
