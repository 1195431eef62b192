import { describe, expect, it } from 'vitest';
import { message } from '../test-support/messages.js';
import { decideNotification, isInboxInView, isInboxWindow, type AppWindow } from './notification-policy.js';

const ORIGIN = 'https://tidings.example';
const NOW = Date.UTC(2025, 0, 1, 13, 0);
const inbox = (extra: Partial<AppWindow> = {}): AppWindow => ({ url: `${ORIGIN}/`, focused: true, visibilityState: 'visible', ...extra });

describe('isInboxInView', () => {
  it('is true only for a focused, visible inbox window of this origin', () => {
    expect(isInboxInView([inbox()], ORIGIN)).toBe(true);
    expect(isInboxInView([inbox({ url: `${ORIGIN}/orders/1042#message=m1` })], ORIGIN)).toBe(true);
    expect(isInboxInView([], ORIGIN)).toBe(false);
    expect(isInboxInView([inbox({ focused: false })], ORIGIN)).toBe(false);
    expect(isInboxInView([inbox({ visibilityState: 'hidden' })], ORIGIN)).toBe(false);
    expect(isInboxInView([inbox({ url: 'https://other.example/' })], ORIGIN)).toBe(false);
  });

  it('does not count the merchant console as showing the inbox', () => {
    expect(isInboxInView([inbox({ url: `${ORIGIN}/console.html` })], ORIGIN)).toBe(false);
    expect(isInboxWindow(`${ORIGIN}/console`, ORIGIN)).toBe(false);
    expect(isInboxWindow(`${ORIGIN}/consoles/of/a/shop`, ORIGIN)).toBe(true);
  });

  it('is true when any one of several windows shows the inbox', () => {
    expect(isInboxInView([inbox({ focused: false }), inbox()], ORIGIN)).toBe(true);
  });
});

describe('decideNotification', () => {
  it('shows a message when no window shows the inbox', () => {
    expect(decideNotification(message('m1'), { now: NOW, origin: ORIGIN, windows: [inbox({ visibilityState: 'hidden', focused: false })] })).toEqual({
      show: true,
    });
  });

  it('only stores when the inbox is in front of the shopper', () => {
    expect(decideNotification(message('m1'), { now: NOW, origin: ORIGIN, windows: [inbox()] })).toEqual({ show: false, reason: 'app-in-view' });
  });

  it('never shows an expired message, and shows one that expires later', () => {
    const expired = message('m1', 0, { expiresAt: new Date(NOW).toISOString() });
    expect(decideNotification(expired, { now: NOW, origin: ORIGIN, windows: [] })).toEqual({ show: false, reason: 'expired' });
    const later = message('m2', 0, { expiresAt: new Date(NOW + 1).toISOString() });
    expect(decideNotification(later, { now: NOW, origin: ORIGIN, windows: [] })).toEqual({ show: true });
  });

  it('asks the preference filter last, with the message and the time', () => {
    const seen: [string, number][] = [];
    const allows = (candidate: { category: string }, now: number) => {
      seen.push([candidate.category, now]);
      return candidate.category !== 'promotion';
    };
    expect(decideNotification(message('m1', 0, { category: 'promotion' }), { now: NOW, origin: ORIGIN, windows: [], allows })).toEqual({
      show: false,
      reason: 'muted',
    });
    expect(decideNotification(message('m2'), { now: NOW, origin: ORIGIN, windows: [], allows })).toEqual({ show: true });
    expect(seen).toEqual([
      ['promotion', NOW],
      ['order', NOW],
    ]);
  });
});
