import crypto from 'node:crypto';
import type { WebhookEventType } from '../../shared/webhook.schema.js';
import type { EventFact } from './webhook-store.js';

/**
 * The facts that become events, built in one place so both stores record the
 * same payloads and the same dedup keys. Per-recipient events are keyed
 * `type:message:user`, so recording one twice (a retried transaction, two
 * instances, a second device) stores it once.
 */
const perRecipient = (type: WebhookEventType, messageId: string, userId: string, data: Record<string, unknown>): EventFact => ({
  type,
  messageId,
  userId,
  dedupKey: `${type}:${messageId}:${userId}`,
  data: { messageId, userId, ...data },
});

export const deliveredFact = (messageId: string, userId: string, channel: 'live' | 'push') =>
  perRecipient('message.delivered', messageId, userId, { channel });

export const readFact = (messageId: string, userId: string, readAt: string) =>
  perRecipient('message.read', messageId, userId, { readAt });

export const failedFact = (messageId: string, userId: string) =>
  perRecipient('message.failed', messageId, userId, { reason: 'push-failed' });

/** The dedup key of `message.delivered`: `message.failed` is not recorded once it exists. */
export const deliveredKey = (messageId: string, userId: string) => `message.delivered:${messageId}:${userId}`;

export const repliedFact = (messageId: string, userId: string, reply: { id: string; body?: string; createdAt: string }): EventFact => ({
  type: 'message.replied',
  messageId,
  userId,
  // Each reply is its own event.
  dedupKey: `message.replied:${reply.id}`,
  data: { messageId, userId, reply: { id: reply.id, ...(reply.body !== undefined ? { body: reply.body } : {}), createdAt: reply.createdAt } },
});

export const expiredFact = (messageId: string, expiresAt: number, recipients: number, read: number): EventFact => ({
  type: 'message.expired',
  messageId,
  dedupKey: `message.expired:${messageId}`,
  data: { messageId, expiresAt: new Date(expiresAt).toISOString(), recipients, read },
});

/** A new event's id (the `webhook-id` header) and the exact JSON body every attempt sends. */
export function eventRow(fact: EventFact, now: number): { id: string; payloadJson: string } {
  const id = `evt_${crypto.randomUUID().replaceAll('-', '')}`;
  return { id, payloadJson: JSON.stringify({ type: fact.type, timestamp: new Date(now).toISOString(), data: fact.data }) };
}

/** The LIKE pattern that selects webhooks subscribed to a type (events stored as ",a,b,"). */
export const eventsPattern = (type: WebhookEventType) => `%,${type},%`;
export const eventsColumn = (events: readonly WebhookEventType[]) => `,${events.join(',')},`;
export const eventsOf = (column: string) => column.split(',').filter(Boolean) as WebhookEventType[];
