import { describe, expect, it, vi } from 'vitest';
import { message } from '../test-support/messages.js';
import { deepEventJson } from '../test-support/unreadable-event.js';
import { decodeServerFrame } from './server-frame.js';

describe('decodeServerFrame', () => {
  it('accepts the frames of the contract', () => {
    expect(decodeServerFrame('{"type":"synced","cursor":"12"}')).toEqual({ type: 'synced', cursor: '12' });
    expect(decodeServerFrame('{"type":"heartbeat"}')).toEqual({ type: 'heartbeat' });
    const event = { seq: 3, kind: 'message', message: message('a') };
    expect(decodeServerFrame(JSON.stringify({ type: 'event', event }))).toEqual({ type: 'event', event });
  });

  it('turns an event of an unknown kind into a skipped one that keeps its seq', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const frame = decodeServerFrame('{"type":"event","event":{"seq":7,"kind":"preferences","prefs":{}}}');
    expect(frame).toEqual({ type: 'event', event: { seq: 7, kind: 'skipped', reason: 'unreadable', eventKind: 'preferences' } });
  });

  it('never throws on an event nested too deep for the schema: it becomes a skipped one', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const frame = decodeServerFrame(`{"type":"event","event":${deepEventJson(8, 'deep')}}`);
    expect(frame).toMatchObject({ type: 'event', event: { seq: 8, kind: 'skipped', messageId: 'deep' } });
  });

  it('skips an event frame that is not JSON by the seq, kind and message id it starts with', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(decodeServerFrame('{"type":"event","event":{"seq":9,"kind":"message","message":{"id":"torn","title":"Sa')).toEqual({
      type: 'event',
      event: { seq: 9, kind: 'skipped', reason: 'parse-failed', eventKind: 'message', messageId: 'torn' },
    });
    expect(decodeServerFrame('{"type":"event","event":{"seq":10,"kind":"state","messageId":')).toEqual({
      type: 'event',
      event: { seq: 10, kind: 'skipped', reason: 'parse-failed', eventKind: 'state' },
    });
  });

  it('refuses what is not a frame', () => {
    expect(decodeServerFrame('{"type":"event","event":{"seq":0,"kind":"message"')).toBeNull();
    expect(decodeServerFrame('{"type":"event","event":{"kind":"message","seq":3')).toBeNull();
    expect(decodeServerFrame('not json')).toBeNull();
    expect(decodeServerFrame('{"type":"event","event":{"kind":"message"}}')).toBeNull();
    expect(decodeServerFrame('{"type":"synced","cursor":"-1"}')).toBeNull();
    expect(decodeServerFrame('{"type":"party"}')).toBeNull();
  });
});
