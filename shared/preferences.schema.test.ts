import { describe, expect, it } from 'vitest';
import { syncEventSchema } from './event.schema.js';
import { DEFAULT_PREFERENCES, MAX_MUTED_SENDERS, preferencesSchema, putPreferencesRequestSchema } from './preferences.schema.js';

describe('preferencesSchema: muted senders', () => {
  it('reads preferences stored before mutedSenders existed, as muting nobody', () => {
    // Exactly what the stores hold for a shopper who saved before this field: JSON without it.
    const stored = JSON.parse('{"mutedCategories":["promotion"],"minPushPriority":3,"quietHours":null,"timeZone":"Asia/Shanghai"}');
    expect(preferencesSchema.parse(stored)).toEqual({
      mutedCategories: ['promotion'],
      minPushPriority: 3,
      quietHours: null,
      timeZone: 'Asia/Shanghai',
      mutedSenders: [],
      locale: null,
      theme: 'system',
    });
    expect(DEFAULT_PREFERENCES.mutedSenders).toEqual([]);
  });

  it('reads a preferences event from an older server the same way', () => {
    const event = { seq: 4, kind: 'preferences', preferences: { mutedCategories: [], minPushPriority: 1, quietHours: null, timeZone: 'UTC' }, changedAt: '2026-01-01T00:00:00.000Z' };
    const parsed = syncEventSchema.parse(event);
    expect(parsed.kind === 'preferences' && parsed.preferences.mutedSenders).toEqual([]);
  });

  it('keeps the muted senders a device saves', () => {
    const request = { preferences: { mutedSenders: ['seller-acme', '3f1c9a4e-0b7d-4c39-9d5e-2a61f0c8b7aa', 'alice@example.com'] }, changedAt: '2026-01-01T00:00:00.000Z' };
    expect(putPreferencesRequestSchema.parse(request).preferences.mutedSenders).toEqual(request.preferences.mutedSenders);
  });

  it('refuses ids no sender can have, and more than the bound', () => {
    for (const bad of [[''], ['has space'], ['a/b'], ['x'.repeat(129)], [42], 'seller-acme', null]) {
      expect(preferencesSchema.safeParse({ mutedSenders: bad }).success, JSON.stringify(bad)).toBe(false);
    }
    const many = Array.from({ length: MAX_MUTED_SENDERS + 1 }, (_, i) => `seller-${i}`);
    expect(preferencesSchema.safeParse({ mutedSenders: many.slice(0, MAX_MUTED_SENDERS) }).success).toBe(true);
    const tooMany = preferencesSchema.safeParse({ mutedSenders: many });
    expect(tooMany.success).toBe(false);
    expect(tooMany.error?.issues[0]?.path).toEqual(['mutedSenders']);
  });
});
