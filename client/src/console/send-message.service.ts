import type { z } from 'zod';
import {
  sendMessageRequestSchema,
  sendMessageResponseSchema,
  type SendMessageResponse,
} from '../../../shared/message.schema.js';
import { apiRequest } from '../api/api-client.js';

/** The body as a merchant writes it: defaults (type, priority) may be left out. */
export type SendMessageInput = z.input<typeof sendMessageRequestSchema>;

/**
 * `POST /api/v1/messages` with the merchant key. The send form checks the
 * body first with the same shared code (send-form.ts); whatever the server
 * still refuses comes back as an `ApiError` with its issues.
 */
export function sendMessage(merchantKey: string, body: SendMessageInput): Promise<SendMessageResponse> {
  return apiRequest('/messages', {
    method: 'POST',
    bearer: merchantKey,
    body,
    schema: sendMessageResponseSchema,
  });
}
