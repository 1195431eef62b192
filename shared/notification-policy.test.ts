import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KNOWN_CATEGORIES } from './message.schema.js';
import { shouldNotify } from './notification-policy.js';
import { DEFAULT_PREFERENCES, type Preferences } from './preferences.schema.js';
import { isInQuietHours } from './quiet-hours.js';

const category = fc.constantFrom(...KNOWN_CATEGORIES);
const priority = fc.integer({ min: 1, max: 5 });
const instant = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2080-01-01T00:00:00Z'), noInvalidDate: true });
const clock = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
const preferences: fc.Arbitrary<Preferences> = fc.record({
  mutedCategories: fc.subarray([...KNOWN_CATEGORIES]),
  minPushPriority: priority,
  quietHours: fc.option(fc.record({ start: clock, end: clock, allowUrgent: fc.boolean() }), { nil: null }),
  timeZone: fc.constantFrom('UTC', 'Asia/Shanghai', 'Europe/Paris', 'America/New_York', 'Australia/Lord_Howe'),
});
const message = fc.record({ category, priority });

describe('shouldNotify', () => {
  it('never notifies for a muted category, urgent included', () => {
    fc.assert(
      fc.property(message, preferences, instant, (msg, prefs, now) => {
        const decision = shouldNotify(msg, { ...prefs, mutedCategories: [msg.category] }, now);
        expect(decision).toEqual({ notify: false, reason: 'muted-category' });
      }),
    );
  });

  it('never notifies for an expired message, whatever the preferences', () => {
    fc.assert(
      fc.property(message, preferences, instant, fc.integer({ min: 0, max: 10 ** 10 }), (msg, prefs, now, ago) => {
        const expiresAt = new Date(now.getTime() - ago).toISOString();
        expect(shouldNotify({ ...msg, expiresAt }, prefs, now)).toEqual({ notify: false, reason: 'expired' });
      }),
    );
  });

  it('notifies for a message that expires later when nothing else stops it', () => {
    const now = new Date('2026-01-01T12:00:00Z');
    const msg = { category: 'promotion', priority: 3, expiresAt: '2026-01-01T12:00:01.000Z' };
    expect(shouldNotify(msg, DEFAULT_PREFERENCES, now)).toEqual({ notify: true });
  });

  it('notifies only at or above the minimum priority', () => {
    fc.assert(
      fc.property(message, preferences, instant, (msg, prefs, now) => {
        const decision = shouldNotify(msg, { ...prefs, mutedCategories: [], quietHours: null }, now);
        expect(decision.notify).toBe(msg.priority >= prefs.minPushPriority);
        if (!decision.notify) expect(decision.reason).toBe('below-min-priority');
      }),
    );
  });

  it('during quiet hours lets only urgent messages through, and only when allowed', () => {
    fc.assert(
      fc.property(message, preferences, instant, (msg, prefs, now) => {
        const unmuted = { ...prefs, mutedCategories: [], minPushPriority: 1 };
        const decision = shouldNotify(msg, unmuted, now);
        const quiet = isInQuietHours(unmuted, now);
        const urgentAllowed = msg.priority === 5 && unmuted.quietHours?.allowUrgent === true;
        expect(decision).toEqual(quiet && !urgentAllowed ? { notify: false, reason: 'quiet-hours' } : { notify: true });
      }),
    );
  });

  it('never stops a message for being more important: raising the priority cannot turn a notification off', () => {
    fc.assert(
      fc.property(message, preferences, instant, (msg, prefs, now) => {
        fc.pre(msg.priority < 5);
        if (shouldNotify(msg, prefs, now).notify) {
          expect(shouldNotify({ ...msg, priority: msg.priority + 1 }, prefs, now).notify).toBe(true);
        }
      }),
    );
  });

  it('names the first rule that applies: expired, then muted, then priority, then quiet hours', () => {
    const now = new Date('2026-01-01T23:00:00Z');
    const prefs: Preferences = {
      mutedCategories: ['promotion'],
      minPushPriority: 3,
      quietHours: { start: '22:00', end: '07:00', allowUrgent: false },
      timeZone: 'UTC',
    };
    const past = '2026-01-01T22:00:00.000Z';
    expect(shouldNotify({ category: 'promotion', priority: 1, expiresAt: past }, prefs, now)).toMatchObject({ reason: 'expired' });
    expect(shouldNotify({ category: 'promotion', priority: 1 }, prefs, now)).toMatchObject({ reason: 'muted-category' });
    expect(shouldNotify({ category: 'order', priority: 1 }, prefs, now)).toMatchObject({ reason: 'below-min-priority' });
    expect(shouldNotify({ category: 'order', priority: 5 }, prefs, now)).toMatchObject({ reason: 'quiet-hours' });
    expect(shouldNotify({ category: 'order', priority: 5 }, { ...prefs, quietHours: { ...prefs.quietHours!, allowUrgent: true } }, now)).toEqual({
      notify: true,
    });
    expect(shouldNotify({ category: 'order', priority: 4 }, prefs, new Date('2026-01-01T12:00:00Z'))).toEqual({ notify: true });
  });
});
