import type { WebhookDelivery, WebhookEventType, WebhookSummary } from '../../shared/webhook.schema.js';
import { eventsOf } from '../webhooks/event-facts.js';
import type { WebhookRecord } from '../webhooks/webhook-store.js';

/** Rows of the webhook tables as both stores read them (PostgreSQL BIGINTs arrive as strings, hence Number). */
export interface WebhookRow {
  id: string;
  merchant_id: string;
  url: string;
  secret: string;
  events: string;
  created_at: string;
  failing_since: number | null;
  disabled_at: string | null;
  disabled_reason: string | null;
}

export interface DeliveryRow {
  event_id: string;
  type: string;
  status: WebhookDelivery['status'];
  attempts: number;
  due_at: number;
  created_at: number;
  last_attempt_at: string | null;
  response_status: number | null;
  response_body: string | null;
  last_error: string | null;
}

export function toWebhookSummary(row: WebhookRow): WebhookSummary {
  return {
    id: row.id,
    url: row.url,
    events: eventsOf(row.events),
    createdAt: row.created_at,
    ...(row.disabled_at ? { disabled: { at: row.disabled_at, reason: row.disabled_reason ?? '' } } : {}),
  };
}

export function toWebhookRecord(row: WebhookRow): WebhookRecord & { failingSince?: number } {
  return {
    ...toWebhookSummary(row),
    merchantId: row.merchant_id,
    secret: row.secret,
    ...(row.failing_since !== null ? { failingSince: Number(row.failing_since) } : {}),
  };
}

export function toDelivery(row: DeliveryRow): WebhookDelivery {
  return {
    eventId: row.event_id,
    type: row.type as WebhookEventType,
    status: row.status,
    attempts: row.attempts,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    ...(row.last_attempt_at ? { lastAttemptAt: row.last_attempt_at } : {}),
    ...(row.response_status !== null ? { responseStatus: row.response_status } : {}),
    ...(row.response_body !== null ? { responseBody: row.response_body } : {}),
    ...(row.last_error !== null ? { lastError: row.last_error } : {}),
    ...(row.status === 'pending' ? { nextAttemptAt: new Date(Number(row.due_at)).toISOString() } : {}),
  };
}
