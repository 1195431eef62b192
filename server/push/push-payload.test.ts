import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../shared/limits.js';
import type { Message } from '../../shared/message.schema.js';
import { anyPushPayloadSchema, pushPayloadSchema, summaryPushPayloadSchema } from '../../shared/push.schema.js';
import { buildPushPayload, buildSummaryPayload, summaryTitle } from './push-payload.js';

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

describe('buildSummaryPayload', () => {
  const parseSummary = (text: string) => summaryPushPayloadSchema.parse(JSON.parse(text));

  it('carries the count, the reason, the filled-in title and the newest message whole when it fits', () => {
    const newest = { ...base, id: 'm5', body: 'Now 19.99' };
    const text = buildSummaryPayload({ reason: 'digest', count: 5, title: summaryTitle('{count} items dropped in price', 5) }, newest);
    expect(parseSummary(text)).toEqual({ v: 1, kind: 'summary', reason: 'digest', count: 5, title: '5 items dropped in price', message: newest });
    expect(anyPushPayloadSchema.parse(JSON.parse(text)).kind).toBe('summary');
  });

  it('stays within the Web Push limit with the longest title and newest message, cutting the message like any push', () => {
    const long = `https://shop.example/${'p'.repeat(LIMITS.urlLength - 30)}`;
    const newest: Message = {
      ...base,
      title: '"'.repeat(LIMITS.titleLength),
      body: '😀'.repeat(LIMITS.bodyLength / 2),
      url: long,
      icon: long,
      actions: [{ title: 'a', url: long }],
      data: { k: 'v'.repeat(3000) },
    };
    const title = summaryTitle(`${'"'.repeat(LIMITS.digestTitleLength - 7)}{count}`, 1_000_000);
    const text = buildSummaryPayload({ reason: 'digest', count: 1_000_000, title }, newest);
    expect(bytes(text)).toBeLessThanOrEqual(LIMITS.pushPlaintextBytes);
    const payload = parseSummary(text);
    expect(payload).toMatchObject({ count: 1_000_000, title, truncated: true, message: { id: 'm1', title: newest.title } });
    expect(payload.message.data).toBeUndefined();
  });

  it('fills every {count} of a digest title and leaves a title without one as it is', () => {
    expect(summaryTitle('{count} drops, {count} deals', 3)).toBe('3 drops, 3 deals');
    expect(summaryTitle('Price drops', 3)).toBe('Price drops');
  });
});
