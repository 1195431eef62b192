import { z } from 'zod';
import { messageStatusResponseSchema, type MessageStatusResponse } from '../../../shared/message.schema.js';
import { apiRequest } from '../api/api-client.js';

/** `GET /api/v1/messages/:id` with the merchant key: status and delivery counts. */
export function fetchMessageStatus(merchantKey: string, id: string): Promise<MessageStatusResponse> {
  return apiRequest(`/messages/${encodeURIComponent(id)}`, { bearer: merchantKey, schema: messageStatusResponseSchema });
}

/** `DELETE /api/v1/messages/:id`: cancels a scheduled message (409 once sent). */
export function cancelMessage(merchantKey: string, id: string): Promise<unknown> {
  return apiRequest(`/messages/${encodeURIComponent(id)}`, { method: 'DELETE', bearer: merchantKey, schema: z.unknown() });
}

/** `POST /api/v1/messages/:id/retract`: removes a sent message from every device. */
export function retractMessage(merchantKey: string, id: string): Promise<unknown> {
  return apiRequest(`/messages/${encodeURIComponent(id)}/retract`, { method: 'POST', bearer: merchantKey, schema: z.unknown() });
}
