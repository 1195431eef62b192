import type { Message } from '../../shared/message.schema.js';
import type { SyncEvent } from '../../shared/event.schema.js';

/**
 * The text of an `event` frame, byte for byte what `JSON.stringify({ type: 'event', event })`
 * gives. A broadcast hands every recipient's stream an event holding the same message object,
 * so a message event's text after its `seq` is built once per message and each recipient's
 * frame is that text with their seq spliced in: one serialisation per broadcast, not one per
 * connection. The wire format is unchanged, so clients of any version read it.
 */
const afterSeq = new WeakMap<Message, string>();

export function eventFrame(event: SyncEvent): string {
  if (event.kind !== 'message') return JSON.stringify({ type: 'event', event });
  let tail = afterSeq.get(event.message);
  if (tail === undefined) {
    tail = `,"kind":"message","message":${JSON.stringify(event.message)}}}`;
    afterSeq.set(event.message, tail);
  }
  return `{"type":"event","event":{"seq":${event.seq}${tail}`;
}
