import type { Message } from '../../shared/message.schema.js';
import type { SyncEvent } from '../../shared/event.schema.js';
import type { StoredEvent } from '../store/store.js';

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

/**
 * The same frame for an event read back for a replay: the message's stored text goes in as it
 * is, with no parse and no lookup (the baseline push server's way). The store wrote that text
 * with `JSON.stringify`, so the frame is byte for byte what `eventFrame` gives for the parsed
 * message.
 */
export function storedEventFrame(event: StoredEvent): string {
  if (event.kind !== 'message') return eventFrame(event);
  return `{"type":"event","event":{"seq":${event.seq},"kind":"message","message":${event.messageJson}}}`;
}
