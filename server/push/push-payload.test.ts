import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../shared/limits.js';
import type { Message } from '../../shared/message.schema.js';
import { pushPayloadSchema } from '../../shared/push.schema.js';
import { buildPushPayload } from './push-payload.js';

const base: Message = { id: 'm1', type: 'system', category: 'order', priority: 3, title: 'Shipped', createdAt: new Date().toISOString() };
const bytes = (text: string) => Buffer.byteLength(text);
const parse = (text: string) => pushPayloadSchema.parse(JSON.parse(text));

describe('buildPushPayload', () => {
  it('sends a message that fits as it is', () => {
    const message = { ...base, body: 'Arriving Thursday', data: { orderId: 1 } };
    expect(parse(buildPushPayload(message))).toEqual({ v: 1, kind: 'message', message });
  });

  it('drops data and image, then cuts the body at a code point, to fit', () => {
    const message = { ...base, body: '😀'.repeat(LIMITS.bodyLength / 2), image: 'https://cdn.example/x.jpg', data: { k: 'v'.repeat(2000) } };
    const text = buildPushPayload(message);
    expect(bytes(text)).toBeLessThanOrEqual(LIMITS.pushPlaintextBytes);
    const payload = parse(text);
    expect(payload.truncated).toBe(true);
    expect(payload.message.image).toBeUndefined();
    expect(payload.message.data).toBeUndefined();
    expect(payload.message.body).toMatch(/^(😀)+…$/u);
    // As long as fits: one more emoji would not.
    expect(bytes(text) + bytes('😀')).toBeGreaterThan(LIMITS.pushPlaintextBytes);
  });

  it('keeps the body when dropping data alone is enough', () => {
    const message = { ...base, body: 'short', data: { k: 'v'.repeat(3990) } };
    expect(parse(buildPushPayload(message)).message).toEqual({ ...base, body: 'short' });
  });

  it('always fits, even with the longest title, links and actions', () => {
    const long = `https://shop.example/${'p'.repeat(LIMITS.urlLength - 30)}`;
    const message: Message = {
      ...base,
      title: '"'.repeat(LIMITS.titleLength),
      body: 'b'.repeat(LIMITS.bodyLength),
      url: long,
      icon: long,
      actions: [
        { title: 'a', url: long },
        { title: 'b', url: long },
      ],
    };
    const payload = parse(buildPushPayload(message));
    expect(bytes(buildPushPayload(message))).toBeLessThanOrEqual(LIMITS.pushPlaintextBytes);
    expect(payload.truncated).toBe(true);
    expect(payload.message.title).toBe(message.title);
  });
});
