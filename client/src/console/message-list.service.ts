import { messageListResponseSchema, scheduledListResponseSchema } from '../../../shared/message-list.schema.js';
import { apiRequest } from '../api/api-client.js';
import { itemFromScheduled, itemFromSummary, type MessageStatus, type SentItem } from './sent-item.js';

export interface SentPageQuery {
  /** A piece of the title; blank for every message. */
  q: string;
  status: MessageStatus | undefined;
  after: string;
  limit: number;
  signal?: AbortSignal;
}

export interface SentPage {
  items: SentItem[];
  /** Pass as `after` for the next page; undefined on the last. */
  next: string | undefined;
}

/**
 * `GET /api/v1/messages`: one page of what this key sent, newest first (its cursor keeps
 * "Load more" free of gaps and repeats while new messages arrive); `status=scheduled`
 * answers the schedule view, in id order.
 */
export async function listSentMessages(merchantKey: string, query: SentPageQuery): Promise<SentPage> {
  const scheduled = query.status === 'scheduled';
  const params: Record<string, string | number> = { limit: query.limit };
  if (query.after) params['after'] = query.after;
  if (query.status) params['status'] = query.status;
  if (query.q.trim()) params['q'] = query.q.trim();
  if (!scheduled) params['order'] = 'newest';
  const request = { bearer: merchantKey, query: params, ...(query.signal ? { signal: query.signal } : {}) };
  if (scheduled) {
    const page = await apiRequest('/messages', { ...request, schema: scheduledListResponseSchema });
    return { items: page.messages.map(itemFromScheduled), next: page.next };
  }
  const page = await apiRequest('/messages', { ...request, schema: messageListResponseSchema });
  return { items: page.messages.map(itemFromSummary), next: page.next };
}

/** Resolves when the server accepts `merchantKey` (the cheapest call it may make); throws its ApiError otherwise. */
export async function checkMerchantKey(merchantKey: string): Promise<void> {
  await listSentMessages(merchantKey, { q: '', status: undefined, after: '', limit: 1 });
}
