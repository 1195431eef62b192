import type { SyncEvent } from '../../../shared/event.schema.js';
import type { Message } from '../../../shared/message.schema.js';

/** A valid message; `minutes` sets createdAt that many minutes after a fixed epoch. */
export function message(id: string, minutes = 0, extra: Partial<Message> = {}): Message {
  return {
    id,
    type: 'system',
    category: 'order',
    priority: 3,
    title: `Message ${id}`,
    createdAt: new Date(Date.UTC(2025, 0, 1, 12, minutes)).toISOString(),
    ...extra,
  };
}

export function messageEvent(seq: number, body: Message = message(`m${seq}`, seq)): SyncEvent {
  return { seq, kind: 'message', message: body };
}
