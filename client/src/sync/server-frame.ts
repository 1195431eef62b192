import { serverFrameSchema, type ServerFrame } from '../../../shared/stream.schema.js';
import type { IncomingEvent } from './apply-events.js';
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
  try {
    const json: unknown = JSON.parse(text);
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

function isEventFrame(json: unknown): json is { type: 'event'; event: unknown } {
  return typeof json === 'object' && json !== null && (json as { type?: unknown }).type === 'event';
}
