import { afterEach, describe, expect, it, vi } from 'vitest';
import { PUSH_PAYLOAD_VERSION } from '../../../shared/push.schema.js';
import { message } from '../test-support/messages.js';
import { readPayload } from './push-handler.js';

afterEach(() => {
  vi.restoreAllMocks();
});

const pushData = (json: () => unknown) => ({ json });

describe('readPayload', () => {
  it('reads a message payload', () => {
    const payload = { v: PUSH_PAYLOAD_VERSION, kind: 'message', message: message('a') };
    const read = readPayload(pushData(() => payload));
    expect(read).toMatchObject({ kind: 'message', message: { id: 'a' } });
  });

  it('reads a summary payload', () => {
    const payload = { v: PUSH_PAYLOAD_VERSION, kind: 'summary', reason: 'quiet-hours', count: 3, message: message('c') };
    expect(readPayload(pushData(() => payload))).toMatchObject({ kind: 'summary', count: 3, message: { id: 'c' } });
  });

  it('never throws on a message nested too deep for the schema: the push counts as unreadable', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const deep = JSON.parse(`{"v":${PUSH_PAYLOAD_VERSION},"kind":"message","message":${JSON.stringify(message('deep')).slice(0, -1)},"data":{"n":${'['.repeat(5000)}${']'.repeat(5000)}}}}`);
    expect(() => readPayload(pushData(() => deep))).not.toThrow();
    expect(readPayload(pushData(() => deep))).toBeNull();
  });

  it('counts a body that is not JSON as unreadable', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(readPayload(pushData(() => { throw new SyntaxError('not JSON'); }))).toBeNull();
    expect(readPayload(null)).toBeNull();
  });
});
