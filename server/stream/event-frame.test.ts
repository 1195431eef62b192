import { describe, expect, it } from 'vitest';
import type { SyncEvent } from '../../shared/event.schema.js';
import type { Message } from '../../shared/message.schema.js';
import { serverFrameSchema } from '../../shared/stream.schema.js';
import { eventFrame, storedEventFrame } from './event-frame.js';

const message: Message = {
  id: 'm1',
  type: 'system',
  category: 'promotion',
  priority: 4,
  title: 'Flash sale: "50%" off \\ today',
  body: 'Ends at 18:00 — 限时',
  data: { sku: 'A-1', nested: { seq: 0 } },
  createdAt: '2026-12-01T10:00:00.000Z',
} as Message;

describe('eventFrame', () => {
  it('writes a message event byte for byte as JSON.stringify would, for each seq', () => {
    for (const seq of [1, 2, 40_000]) {
      const event: SyncEvent = { seq, kind: 'message', message };
      const text = eventFrame(event);
      expect(text).toBe(JSON.stringify({ type: 'event', event }));
      expect(serverFrameSchema.parse(JSON.parse(text))).toEqual({ type: 'event', event });
    }
  });

  it('writes other kinds as JSON.stringify does', () => {
    const events: SyncEvent[] = [
      { seq: 7, kind: 'retracted', messageId: 'm1' },
      { seq: 8, kind: 'state', messageId: 'm1', state: { read: { value: true, at: '2026-12-01T10:00:00.000Z' } } },
    ];
    for (const event of events) expect(eventFrame(event)).toBe(JSON.stringify({ type: 'event', event }));
  });

  it('keeps messages apart: a different message object gets its own text', () => {
    const other: Message = { ...message, id: 'm2', title: 'Another' };
    expect(eventFrame({ seq: 3, kind: 'message', message })).toContain('"id":"m1"');
    expect(eventFrame({ seq: 3, kind: 'message', message: other })).toContain('"id":"m2"');
  });

  it('writes a replayed message event, its stored text spliced in, as eventFrame writes the parsed one', () => {
    const messageJson = JSON.stringify(message);
    for (const seq of [1, 40_000]) {
      expect(storedEventFrame({ seq, kind: 'message', messageId: 'm1', messageJson })).toBe(eventFrame({ seq, kind: 'message', message }));
    }
    const retracted: SyncEvent = { seq: 9, kind: 'retracted', messageId: 'm1' };
    expect(storedEventFrame(retracted)).toBe(JSON.stringify({ type: 'event', event: retracted }));
  });
});
