import { z } from 'zod';
import { messageStatusResponseSchema, type CorrectMessageRequest, type MessageStatusResponse } from '../../../shared/message.schema.js';
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

/** `PATCH /api/v1/messages/:id`: replaces the title and body on every device that has the message. */
export function correctMessage(merchantKey: string, id: string, patch: CorrectMessageRequest): Promise<unknown> {
  return apiRequest(`/messages/${encodeURIComponent(id)}`, { method: 'PATCH', bearer: merchantKey, body: patch, schema: z.unknown() });
}
