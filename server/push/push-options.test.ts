import { describe, expect, it } from 'vitest';
import type { Message } from '../../shared/message.schema.js';
import { DEFAULT_TTL_SECONDS, pushOptionsFor, summaryPushOptionsFor, topicOf } from './push-options.js';

const now = Date.parse('2026-01-01T00:00:00Z');
const message = (overrides: Partial<Message> = {}): Message => ({
  id: 'm',
  type: 'system',
  category: 'order',
  priority: 3,
  title: 't',
  createdAt: new Date(now).toISOString(),
  ...overrides,
});

describe('pushOptionsFor', () => {
  it('takes TTL from the expiry as it stands at send time, never below 0', () => {
    expect(pushOptionsFor(message({ expiresAt: '2026-01-01T01:00:00Z' }), now).ttl).toBe(3600);
    expect(pushOptionsFor(message({ expiresAt: '2026-01-01T01:00:00Z' }), now + 3000_000).ttl).toBe(600);
    expect(pushOptionsFor(message({ expiresAt: '2025-12-31T00:00:00Z' }), now).ttl).toBe(0);
    expect(pushOptionsFor(message(), now).ttl).toBe(DEFAULT_TTL_SECONDS);
  });

  it('maps priority 1–5 to Urgency', () => {
    expect([1, 2, 3, 4, 5].map((priority) => pushOptionsFor(message({ priority }), now).urgency)).toEqual([
      'very-low',
      'low',
      'normal',
      'high',
      'high',
    ]);
  });

  it('derives a stable, valid Topic from the collapse key', () => {
    const topic = topicOf('order:1042');
    expect(topic).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(topicOf('order:1042')).toBe(topic);
    expect(topicOf('order:1043')).not.toBe(topic);
    expect(pushOptionsFor(message({ collapseKey: 'order:1042' }), now).topic).toBe(topic);
    expect(pushOptionsFor(message(), now)).not.toHaveProperty('topic');
  });
});

describe('summaryPushOptionsFor', () => {
  it('is the newest message\'s TTL and Urgency without its Topic', () => {
    const newest = message({ collapseKey: 'order:1042', priority: 4, expiresAt: '2026-01-01T01:00:00Z' });
    expect(pushOptionsFor(newest, now).topic).toBeDefined();
    expect(summaryPushOptionsFor(newest, now)).toEqual({ ttl: 3600, urgency: 'high' });
  });
});
