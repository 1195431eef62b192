import { describe, expect, it } from 'vitest';
import type { StoredMessage } from '../db/db.js';
import { messageViewState, msUntilExpiry } from './message-view-state.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const row = (fields: Partial<StoredMessage> = {}) => ({ id: 'm1', title: 'Parcel', deleted: 0, ...fields }) as StoredMessage;

describe('messageViewState', () => {
  it('shows a message that is here, whether in the inbox or the archive', () => {
    expect(messageViewState(row(), false, NOW)).toEqual({ kind: 'shown', message: row() });
    expect(messageViewState(row({ archived: 1 }), false, NOW).kind).toBe('shown');
    expect(messageViewState(row({ expiresAtMs: NOW + 1 }), false, NOW).kind).toBe('shown');
  });

  it('says why it shows nothing: never here, deleted, retracted, expired', () => {
    expect(messageViewState(undefined, false, NOW)).toEqual({ kind: 'missing' });
    expect(messageViewState(row({ deleted: 1 }), false, NOW)).toEqual({ kind: 'deleted' });
    expect(messageViewState(undefined, true, NOW)).toEqual({ kind: 'retracted' });
    expect(messageViewState(row({ expiresAtMs: NOW }), false, NOW)).toEqual({ kind: 'expired' });
  });

  it('never shows the content of a retracted message, even if a copy lingers', () => {
    expect(messageViewState(row(), true, NOW)).toEqual({ kind: 'retracted' });
  });
});

describe('msUntilExpiry', () => {
  it('is the time left, for a timer that ends the view at expiresAt', () => {
    expect(msUntilExpiry({ expiresAtMs: NOW + 5_000 }, NOW)).toBe(5_000);
    expect(msUntilExpiry({}, NOW)).toBeUndefined();
    expect(msUntilExpiry({ expiresAtMs: NOW }, NOW)).toBeUndefined();
  });

  it('stays within what setTimeout can wait, so a far expiry does not fire at once', () => {
    expect(msUntilExpiry({ expiresAtMs: NOW + 90 * 24 * 3_600_000 }, NOW)).toBe(2 ** 31 - 1);
  });
});
