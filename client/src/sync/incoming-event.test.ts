import { afterEach, describe, expect, it, vi } from 'vitest';
import { syncEventSchema } from '../../../shared/event.schema.js';
import { messageEvent } from '../test-support/messages.js';
import { deepEvent } from '../test-support/unreadable-event.js';
import { decodeEvent } from './incoming-event.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('decodeEvent', () => {
  it('passes a valid event through', () => {
    expect(decodeEvent(messageEvent(4))).toEqual(messageEvent(4));
  });

  it('never throws on a message whose data is nested 5,000 deep: it is skipped, seq and message id kept', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const event = decodeEvent(deepEvent(7, 'deep-1'));
    // Whether the schema throws on it or refuses it, the event keeps its place in the log.
    expect(event).toMatchObject({ seq: 7, kind: 'skipped', eventKind: 'message', messageId: 'deep-1' });
    expect(['parse-failed', 'unreadable']).toContain((event as { reason: string }).reason);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('skipping event 7 (message deep-1)'), expect.anything());
  });

  it('treats validation that throws as a parse failure, whatever it throws', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    vi.spyOn(syncEventSchema, 'safeParse').mockImplementation(() => {
      throw new RangeError('Maximum call stack size exceeded');
    });
    expect(decodeEvent(messageEvent(3))).toEqual({ seq: 3, kind: 'skipped', reason: 'parse-failed', eventKind: 'message', messageId: 'm3' });
  });

  it('keeps what it can of an event of an unknown kind', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(decodeEvent({ seq: 9, kind: 'sender-muted', messageId: 'x' })).toEqual({
      seq: 9,
      kind: 'skipped',
      reason: 'unreadable',
      eventKind: 'sender-muted',
      messageId: 'x',
    });
  });

  it('gives up (null) only when not even a seq can be read', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(decodeEvent({ kind: 'message' })).toBeNull();
    expect(decodeEvent({ seq: 0, kind: 'message' })).toBeNull();
    expect(decodeEvent([1, 2])).toBeNull();
    expect(decodeEvent(null)).toBeNull();
  });
});
