import { describe, expect, it } from 'vitest';
import type { SyncEvent } from '../../shared/event.schema.js';
import { readHeldSummary } from './held-push-store.js';
import { toEvent, toStoredEvent } from './store-rows.js';

const stored = (title: string) =>
  JSON.stringify({ id: 'b1', type: 'system', category: 'promotion', priority: 3, title, createdAt: '2026-12-01T10:00:00.000Z' });
const messageOf = (event: SyncEvent) => (event.kind === 'message' ? event.message : undefined);

describe('toEvent', () => {
  it('parses a broadcast read back by many recipients once: one shared message object', () => {
    const text = stored('Flash sale');
    // Texts as a driver returns them: equal, but separate strings.
    const first = toEvent({ seq: 7, kind: 'message', message_id: 'b1', message_json: text.slice(0), payload_json: null });
    const second = toEvent({ seq: 41, kind: 'message', message_id: 'b1', message_json: `${text} `.trimEnd(), payload_json: null });
    expect(messageOf(first)).toBe(messageOf(second));
    expect([first.seq, second.seq]).toEqual([7, 41]);
    expect(messageOf(first)).toEqual(JSON.parse(text));
  });

  it('gives a corrected message (another text, same id) its own object, never the stale one', () => {
    const before = toEvent({ seq: 1, kind: 'message', message_id: 'b1', message_json: stored('Sale'), payload_json: null });
    const after = toEvent({ seq: 2, kind: 'message', message_id: 'b1', message_json: stored('Sale, corrected'), payload_json: null });
    expect(messageOf(after)).not.toBe(messageOf(before));
    expect(messageOf(after)?.title).toBe('Sale, corrected');
  });
});

describe('readHeldSummary', () => {
  it('reads what a summary retry covers, and one queued before summaries kept their messages as its newest alone', () => {
    const held = { reason: 'digest', title: '{count} drops', messageIds: ['m3', 'm1'] };
    expect(readHeldSummary(JSON.stringify(held), 'm3')).toEqual(held);
    expect(readHeldSummary(JSON.stringify({ reason: 'quiet-hours', count: 4 }), 'm9')).toEqual({ reason: 'quiet-hours', title: null, messageIds: ['m9'] });
    expect(readHeldSummary(JSON.stringify({ reason: 'digest', count: 2, title: '2 drops' }), 'm9')).toEqual({ reason: 'digest', title: '2 drops', messageIds: ['m9'] });
  });
});

describe('a damaged row', () => {
  const row = (kind: string, messageId: string | null, messageJson: string | null, payloadJson: string | null = null) => ({
    seq: 5,
    kind,
    message_id: messageId,
    message_json: messageJson,
    payload_json: payloadJson,
  });

  it.each([
    ['truncated text', row('message', 'b1', stored('Sale').slice(0, 30))],
    ['text of another message', row('message', 'b1', stored('Sale').replace('"b1"', '"b2"'))],
    ['JSON that is no message', row('message', 'b1', 'null')],
    ['a message row gone (the join found none)', row('message', 'b1', null)],
  ])('is read as unavailable, keeping its seq and message id: %s', (_name, damaged) => {
    const unavailable = { seq: 5, kind: 'unavailable', eventKind: 'message', messageId: 'b1' };
    expect(toEvent(damaged)).toEqual(unavailable);
    const tuple = [damaged.seq, damaged.kind, damaged.message_id, damaged.message_json, damaged.payload_json] as const;
    expect(toStoredEvent([...tuple])).toEqual(unavailable);
  });

  it('of another kind is read as unavailable too, instead of failing the whole page', () => {
    expect(toEvent(row('state', null, null, '{"messageId":"b1","state":{'))).toEqual({ seq: 5, kind: 'unavailable', eventKind: 'state' });
    expect(toEvent(row('preferences', null, null, null))).toEqual({ seq: 5, kind: 'unavailable', eventKind: 'preferences' });
    expect(toEvent(row('party', null, null, '{}'))).toEqual({ seq: 5, kind: 'unavailable', eventKind: 'party' });
  });

  it('is not cached as readable: the same text read again is unavailable again, the repaired one a message', () => {
    const torn = stored('Torn').slice(0, 30);
    expect(toStoredEvent([5, 'message', 'b9', torn, null]).kind).toBe('unavailable');
    expect(toStoredEvent([6, 'message', 'b9', torn, null]).kind).toBe('unavailable');
    const repaired = stored('Torn').replace('"b1"', '"b9"');
    expect(toStoredEvent([7, 'message', 'b9', repaired, null])).toEqual({ seq: 7, kind: 'message', messageId: 'b9', messageJson: repaired });
  });
});
