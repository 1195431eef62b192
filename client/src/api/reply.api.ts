import { messageSchema, type Message } from '../../../shared/message.schema.js';
import type { ReplyRequest } from '../../../shared/reply.schema.js';
import { apiRequest } from './api-client.js';

/** The shopper's answer to a user message; the server returns it as a message in the same thread. */
export function postReply(token: string, messageId: string, body: ReplyRequest): Promise<Message> {
  return apiRequest(`/me/messages/${encodeURIComponent(messageId)}/replies`, {
    method: 'POST',
    bearer: token,
    body,
    schema: messageSchema,
  });
}
