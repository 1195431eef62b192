import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KNOWN_CATEGORIES } from './message.schema.js';
import { shouldNotify } from './notification-policy.js';
import { DEFAULT_PREFERENCES, LOCALE_TAGS, THEMES, type Preferences } from './preferences.schema.js';
import { isInQuietHours } from './quiet-hours.js';

const category = fc.constantFrom(...KNOWN_CATEGORIES);
const priority = fc.integer({ min: 1, max: 5 });
const instant = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2080-01-01T00:00:00Z'), noInvalidDate: true });
const clock = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
const senderId = fc.constantFrom('seller-acme', 'seller-zed', 'alice', '3f1c9a4e-0b7d-4c39-9d5e-2a61f0c8b7aa');
const preferences: fc.Arbitrary<Preferences> = fc.record({
  mutedCategories: fc.subarray([...KNOWN_CATEGORIES]),
  minPushPriority: priority,
  quietHours: fc.option(fc.record({ start: clock, end: clock, allowUrgent: fc.boolean(), deferred: fc.boolean() }), { nil: null }),
  timeZone: fc.constantFrom('UTC', 'Asia/Shanghai', 'Europe/Paris', 'America/New_York', 'Australia/Lord_Howe'),
  mutedSenders: fc.uniqueArray(senderId),
  locale: fc.constantFrom(null, ...LOCALE_TAGS),
  theme: fc.constantFrom(...THEMES),
});
const sender = fc.record({ id: senderId, name: fc.constantFrom('Acme', 'Zed & Co', 'Alice') }, { requiredKeys: ['id', 'name'] });
const message = fc.record({ category, priority, sender }, { requiredKeys: ['category', 'priority'] });

describe('shouldNotify', () => {
  it('never notifies for a muted category, urgent included', () => {
    fc.assert(
      fc.property(message, preferences, instant, (msg, prefs, now) => {
        const decision = shouldNotify(msg, { ...prefs, mutedCategories: [msg.category] }, now);
        expect(decision).toEqual({ notify: false, reason: 'muted-category' });
      }),
    );
  });

  it('never notifies for a muted sender, urgent included, whatever else the preferences say', () => {
    fc.assert(
      fc.property(message, sender, preferences, instant, (msg, from, prefs, now) => {
        const decision = shouldNotify({ ...msg, sender: from }, { ...prefs, mutedCategories: [], mutedSenders: [from.id] }, now);
        expect(decision).toEqual({ notify: false, reason: 'muted-sender' });
      }),
    );
  });

  it('mutes by sender id only: another sender, or no sender at all, is judged as if nothing were muted', () => {
    fc.assert(
      fc.property(message, preferences, instant, (msg, prefs, now) => {
        const others = prefs.mutedSenders.filter((id) => id !== msg.sender?.id);
        expect(shouldNotify(msg, { ...prefs, mutedSenders: others }, now)).toEqual(shouldNotify(msg, { ...prefs, mutedSenders: [] }, now));
      }),
    );
  });

  it('mutes a seller and a person alike, by id, not by name', () => {
    const now = new Date('2026-01-01T12:00:00Z');
    const prefs: Preferences = { ...DEFAULT_PREFERENCES, mutedSenders: ['seller-acme', 'alice'] };
    const seller = { id: 'seller-acme', name: 'Acme', role: 'seller' as const };
    expect(shouldNotify({ category: 'order', priority: 5, sender: seller }, prefs, now)).toEqual({ notify: false, reason: 'muted-sender' });
    expect(shouldNotify({ category: 'chat', priority: 3, sender: { id: 'alice', name: 'Alice' } }, prefs, now)).toEqual({ notify: false, reason: 'muted-sender' });
    // Same display name, different id: a sender cannot be silenced (or escape) by a name.
    expect(shouldNotify({ category: 'order', priority: 3, sender: { id: 'seller-other', name: 'Acme', role: 'seller' } }, prefs, now)).toEqual({ notify: true });
    expect(shouldNotify({ category: 'order', priority: 3 }, prefs, now)).toEqual({ notify: true });
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
        const decision = shouldNotify(msg, { ...prefs, mutedCategories: [], mutedSenders: [], quietHours: null }, now);
        expect(decision.notify).toBe(msg.priority >= prefs.minPushPriority);
        if (!decision.notify) expect(decision.reason).toBe('below-min-priority');
      }),
    );
  });

  it('during quiet hours lets only urgent messages through, and only when allowed', () => {
    fc.assert(
      fc.property(message, preferences, instant, (msg, prefs, now) => {
        const unmuted = { ...prefs, mutedCategories: [], mutedSenders: [], minPushPriority: 1 };
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

  it('names the first rule that applies: expired, then muted category, muted sender, priority, quiet hours', () => {
    const now = new Date('2026-01-01T23:00:00Z');
    const prefs: Preferences = {
      ...DEFAULT_PREFERENCES,
      mutedCategories: ['promotion'],
      minPushPriority: 3,
      quietHours: { start: '22:00', end: '07:00', allowUrgent: false, deferred: false },
      timeZone: 'UTC',
      mutedSenders: ['seller-noisy'],
    };
    const noisy = { id: 'seller-noisy', name: 'Noisy Store', role: 'seller' as const };
    const past = '2026-01-01T22:00:00.000Z';
    expect(shouldNotify({ category: 'promotion', priority: 1, expiresAt: past }, prefs, now)).toMatchObject({ reason: 'expired' });
    expect(shouldNotify({ category: 'promotion', priority: 1 }, prefs, now)).toMatchObject({ reason: 'muted-category' });
    expect(shouldNotify({ category: 'promotion', priority: 1, sender: noisy }, prefs, now)).toMatchObject({ reason: 'muted-category' });
    expect(shouldNotify({ category: 'order', priority: 1, sender: noisy }, prefs, now)).toMatchObject({ reason: 'muted-sender' });
    expect(shouldNotify({ category: 'order', priority: 1 }, prefs, now)).toMatchObject({ reason: 'below-min-priority' });
    expect(shouldNotify({ category: 'order', priority: 5 }, prefs, now)).toMatchObject({ reason: 'quiet-hours' });
    expect(shouldNotify({ category: 'order', priority: 5 }, { ...prefs, quietHours: { ...prefs.quietHours!, allowUrgent: true } }, now)).toEqual({
      notify: true,
    });
    expect(shouldNotify({ category: 'order', priority: 4 }, prefs, new Date('2026-01-01T12:00:00Z'))).toEqual({ notify: true });
  });
});
