import { describe, expect, it } from 'vitest';
import { createRanker, staticOrder, type Message } from '../../../shared/inbox/ranking.js';
import { rowsToRead, SMART_WINDOW, smartPage } from './smart-page.js';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 2, 10, 19, 30);

/** `count` unguarded messages, a review then an offer by turns, one an hour, newest first in the static order. */
function inbox(count: number): Message[] {
  const messages = Array.from({ length: count }, (_, i): Message => ({
    id: `m${String(i).padStart(5, '0')}`,
    type: 'system',
    category: i % 2 ? 'promotion' : 'review',
    priority: 3,
    title: 't',
    createdAt: new Date(NOW - (count - i) * HOUR).toISOString(),
  }));
  return staticOrder(messages);
}

/** A ranker that has seen the shopper open offers and dismiss reviews for weeks. */
function likesOffers() {
  const ranker = createRanker();
  for (let day = 30; day > 0; day--) {
    const now = NOW - day * 24 * HOUR;
    const at = new Date(now - HOUR).toISOString();
    ranker.learn({ id: `o${day}`, type: 'system', category: 'promotion', priority: 3, title: 't', createdAt: at }, 'opened', now);
    ranker.learn({ id: `r${day}`, type: 'system', category: 'review', priority: 3, title: 't', createdAt: at }, 'dismissed', now);
  }
  return ranker;
}

describe('smartPage', () => {
  it('is the static order before anything was learned', () => {
    const rows = inbox(300);
    expect(smartPage(createRanker(), rows, 250, NOW)).toEqual(rows.slice(0, 250));
  });

  it('lifts what the shopper opens within the window and leaves every row past it in its static place', () => {
    const rows = inbox(SMART_WINDOW + 60);
    const page = smartPage(likesOffers(), rows, rows.length, NOW);
    expect(page[0]!.category).toBe('promotion');
    expect(page.slice(0, 20).every((m) => m.category === 'promotion')).toBe(true);
    expect(page.slice(SMART_WINDOW)).toEqual(rows.slice(SMART_WINDOW));
    expect(new Set(page.slice(0, SMART_WINDOW))).toEqual(new Set(rows.slice(0, SMART_WINDOW)));
  });

  it('pages stably: a longer page extends a shorter one, and nothing is lost or repeated', () => {
    const ranker = likesOffers();
    const rows = inbox(SMART_WINDOW * 2);
    const pages = [50, 100, 250, 400].map((limit) => smartPage(ranker, rows.slice(0, rowsToRead(limit)), limit, NOW));
    for (let i = 1; i < pages.length; i++) expect(pages[i]!.slice(0, pages[i - 1]!.length)).toEqual(pages[i - 1]);
    expect(new Set(pages.at(-1)!.map((m) => m.id)).size).toBe(rows.length);
  });

  it('reads the whole window even for a short page', () => {
    expect(rowsToRead(50)).toBe(SMART_WINDOW);
    expect(rowsToRead(SMART_WINDOW + 50)).toBe(SMART_WINDOW + 50);
  });
});
