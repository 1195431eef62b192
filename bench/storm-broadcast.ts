import crypto from 'node:crypto';
import type { Message } from '../shared/message.schema.js';

/** The i-th broadcast of a reconnect storm's log: a small promotion, as a flash sale sends. */
export function stormBroadcast(i: number, createdAt: string): Message {
  return {
    id: crypto.randomUUID(),
    type: 'system',
    category: 'promotion',
    priority: 3,
    title: `storm-${i}`,
    body: 'Flash sale: 50% off for the next hour.',
    createdAt,
  };
}
