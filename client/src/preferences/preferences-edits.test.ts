import { describe, expect, it } from 'vitest';
import { DEFAULT_PREFERENCES, type Preferences } from '../../../shared/preferences.schema.js';
import { applyEdits } from './preferences-edits.js';

const loaded: Preferences = { ...DEFAULT_PREFERENCES, mutedCategories: ['review'], mutedSenders: ['seller-1'], timeZone: 'Asia/Shanghai' };

describe('the Settings form\'s edits onto the preferences as they are now', () => {
  it('keeps a category muted since the form loaded (an accepted suggestion) when the shopper changed something else', () => {
    const current = { ...loaded, mutedCategories: ['review', 'promotion'] };
    const edited = { ...loaded, minPushPriority: 3 };
    expect(applyEdits(loaded, edited, current)).toEqual({ ...loaded, mutedCategories: ['review', 'promotion'], minPushPriority: 3 });
  });

  it('moves only the entries the shopper added or removed in a list that also changed under the form', () => {
    const current = { ...loaded, mutedCategories: ['review', 'promotion'], mutedSenders: ['seller-1', 'seller-2'] };
    const edited = { ...loaded, mutedCategories: ['chat'], mutedSenders: ['seller-1', 'seller-3'] };
    const saved = applyEdits(loaded, edited, current);
    expect(saved.mutedCategories).toEqual(['promotion', 'chat']);
    expect(saved.mutedSenders).toEqual(['seller-1', 'seller-2', 'seller-3']);
  });

  it('takes every field the shopper changed, and the current value of every field they left alone', () => {
    const current: Preferences = { ...loaded, theme: 'dark', locale: 'zh-CN', minPushPriority: 2 };
    const edited: Preferences = {
      ...loaded,
      quietHours: { start: '22:00', end: '07:00', allowUrgent: true, deferred: false },
      timeZone: 'Europe/Paris',
    };
    expect(applyEdits(loaded, edited, current)).toEqual({ ...current, quietHours: edited.quietHours, timeZone: 'Europe/Paris' });
  });

  it('gives the form\'s copy when nothing changed under it, and the current preferences when nothing was edited', () => {
    const edited = { ...loaded, mutedCategories: [], minPushPriority: 4 };
    expect(applyEdits(loaded, edited, loaded)).toEqual(edited);
    const current = { ...loaded, mutedSenders: [] };
    expect(applyEdits(loaded, loaded, current)).toEqual(current);
  });

  it('does not list an entry twice when the shopper and another change both added it', () => {
    const current = { ...loaded, mutedCategories: ['review', 'promotion'] };
    const edited = { ...loaded, mutedCategories: ['review', 'promotion'] };
    expect(applyEdits(loaded, edited, current).mutedCategories).toEqual(['review', 'promotion']);
  });
});
