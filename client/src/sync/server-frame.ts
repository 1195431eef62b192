import { serverFrameSchema, type ServerFrame } from '../../../shared/stream.schema.js';
import type { IncomingEvent, SkippedEvent } from './apply-events.js';
import { decodeEvent } from './incoming-event.js';

/** A server frame as the connection handles it: events may be skipped ones. */
export type DecodedFrame =
  | Exclude<ServerFrame, { type: 'event' }>
  | { type: 'event'; event: IncomingEvent };

/**
 * Validates a frame from `/api/v1/stream`; null means a protocol error. Never
 * throws: it runs in the socket's message handler, where an exception would
 * silently lose the frame and leave a gap the connection could never close.
 */
export function decodeServerFrame(text: string): DecodedFrame | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return unparsableEventFrame(text);
  }
  try {
    if (isEventFrame(json)) {
      const event = decodeEvent(json.event);
      return event ? { type: 'event', event } : null;
    }
    const frame = serverFrameSchema.safeParse(json);
    return frame.success && frame.data.type !== 'event' ? frame.data : null;
  } catch {
    return null;
  }
}

/**
 * How the server begins every event frame (server/stream/event-frame.ts): seq and kind, then a
 * message event's message, its id first.
 */
const EVENT_FRAME_START = /^\{"type":"event","event":\{"seq":([1-9][0-9]{0,14}),"kind":"([a-z-]{1,32})"(?:,"message":\{"id":"([^"\\]{1,128})")?/;

/**
 * An event frame that is not JSON (a server older than its own check splicing a
 * damaged stored message in as it is) is skipped by the seq it starts with, so
 * the frames after it still apply; reconnecting would only bring the same frame
 * back, forever. Anything else that is not JSON is a protocol error.
 */
function unparsableEventFrame(text: string): DecodedFrame | null {
  const start = EVENT_FRAME_START.exec(text);
  if (!start) return null;
  const [, seq, eventKind, messageId] = start as unknown as [string, string, string, string | undefined];
  console.warn(`tidings: skipping event ${seq}${messageId ? ` (message ${messageId})` : ''}, its frame is not JSON`);
  const event: SkippedEvent = { seq: Number(seq), kind: 'skipped', reason: 'parse-failed', eventKind };
  if (messageId !== undefined) event.messageId = messageId;
  return { type: 'event', event };
}

function isEventFrame(json: unknown): json is { type: 'event'; event: unknown } {
  return typeof json === 'object' && json !== null && (json as { type?: unknown }).type === 'event';
}
