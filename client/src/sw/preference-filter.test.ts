import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { db } from '../db/db.js';
import { saveLocalPreferences } from '../db/preferences.repository.js';
import { message } from '../test-support/messages.js';
import { preferenceFilter } from './preference-filter.js';

const NOW = Date.parse('2025-01-01T12:00:00.000Z');
const acme = message('a', 0, { type: 'user', category: 'chat', priority: 5, sender: { id: 'seller-acme', name: 'Acme', role: 'seller' } });
const zed = message('z', 0, { type: 'user', category: 'chat', sender: { id: 'seller-zed', name: 'Zed' } });
const plain = message('p');

beforeEach(async () => {
  await db.meta.clear();
});

describe('the service worker’s preference filter', () => {
  it('shows nothing from a muted sender, urgent included, and everything else', async () => {
    await saveLocalPreferences(
      { mutedCategories: [], minPushPriority: 1, quietHours: null, timeZone: 'UTC', mutedSenders: ['seller-acme'] },
      '2025-01-01T00:00:00.000Z',
    );
    const allows = await preferenceFilter();
    expect(allows(acme, NOW)).toBe(false);
    expect(allows(zed, NOW)).toBe(true);
    expect(allows(plain, NOW)).toBe(true);
  });

  it('reads preferences this device stored before muted senders existed, keeping their other rules', async () => {
    // A row written by the previous version of the app: no `mutedSenders`.
    await db.meta.put({
      key: 'preferences',
      value: { preferences: { mutedCategories: ['chat'], minPushPriority: 1, quietHours: null, timeZone: 'UTC' }, changedAt: '2025-01-01T00:00:00.000Z' },
    });
    const allows = await preferenceFilter();
    expect(allows(acme, NOW)).toBe(false); // muted category, still applied
    expect(allows(plain, NOW)).toBe(true);
  });

  it('lets the summary sent when deferred quiet hours end through a clock still in them, but nothing muted', async () => {
    await saveLocalPreferences(
      { mutedCategories: ['chat'], minPushPriority: 1, quietHours: { start: '11:00', end: '12:01', allowUrgent: false, deferred: true }, timeZone: 'UTC', mutedSenders: [] },
      '2025-01-01T00:00:00.000Z',
    );
    expect((await preferenceFilter())(plain, NOW)).toBe(false);
    const afterQuietHours = await preferenceFilter({ quietHoursEnded: true });
    expect(afterQuietHours(plain, NOW)).toBe(true);
    expect(afterQuietHours(acme, NOW)).toBe(false);
  });
});
