import { messageListResponseSchema, scheduledListResponseSchema } from '../../../shared/message-list.schema.js';
import type { MessageStatus } from '../../../shared/message.schema.js';
import { apiRequest } from '../api/api-client.js';
import { itemsOfPage, type SentItem } from './sent-item.js';

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

/** `GET /api/v1/messages`: one page of what this key sent; `status=scheduled` answers the schedule view. */
export async function listSentMessages(merchantKey: string, query: SentPageQuery): Promise<SentPage> {
  const scheduled = query.status === 'scheduled';
  const params: Record<string, string | number> = { limit: query.limit };
  if (query.after) params['after'] = query.after;
  if (query.status) params['status'] = query.status;
  if (query.q.trim()) params['q'] = query.q.trim();
  const page = await apiRequest('/messages', {
    bearer: merchantKey,
    query: params,
    schema: scheduled ? scheduledListResponseSchema : messageListResponseSchema,
    ...(query.signal ? { signal: query.signal } : {}),
  });
  return { items: itemsOfPage(page, scheduled), next: page.next };
}
