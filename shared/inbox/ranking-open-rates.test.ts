import { describe, expect, it } from 'vitest';
import { DEFAULT_OPEN_RATES, OPEN_RATES_CAPACITY, OpenRates } from './ranking-open-rates.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 2, 10, 12);

describe('open rates', () => {
  it('add nothing before anything is counted, for any category or sender', () => {
    const rates = new OpenRates();
    expect(rates.term('promotion', undefined, NOW)).toEqual({ category: 0, sender: 0 });
    expect(rates.term('chat', 'seller-1', NOW)).toEqual({ category: 0, sender: 0 });
  });

  it('lift a category the shopper opens above one they skip within a few outcomes, and leave an unseen one at the average', () => {
    const rates = new OpenRates();
    for (let i = 0; i < 3; i++) {
      rates.record('shipping', undefined, 1, 1, NOW);
      rates.record('promotion', undefined, 0, 1, NOW);
    }
    expect(rates.term('shipping', undefined, NOW).category).toBeGreaterThan(0.5);
    expect(rates.term('promotion', undefined, NOW).category).toBeLessThan(-0.5);
    expect(rates.term('review', undefined, NOW).category).toBe(0);
  });

  it('shrink a sender seen once towards its category, and trust one seen often', () => {
    const rates = new OpenRates();
    for (let i = 0; i < 20; i++) rates.record('chat', `seller-${i % 2}`, 1, 1, NOW);
    rates.record('chat', 'seller-9', 0, 1, NOW);
    for (let i = 0; i < 10; i++) rates.record('chat', 'seller-8', 0, 1, NOW);
    const once = rates.term('chat', 'seller-9', NOW).sender;
    const often = rates.term('chat', 'seller-8', NOW).sender;
    expect(once).toBeLessThan(0);
    expect(often).toBeLessThan(2 * once);
    expect(rates.term('chat', 'seller-0', NOW).sender).toBeGreaterThan(0);
  });

  it('judge a sender across the categories they send in, against what those categories predicted', () => {
    const rates = new OpenRates();
    // Offers are mostly skipped, chats mostly opened; seller-1's offers are opened as often as anyone's chats.
    for (let i = 0; i < 20; i++) {
      rates.record('promotion', `seller-${2 + (i % 4)}`, 0, 1, NOW);
      rates.record('chat', 'seller-9', i % 5 === 0 ? 0 : 1, 1, NOW);
    }
    for (let i = 0; i < 6; i++) rates.record('promotion', 'seller-1', i === 0 ? 0 : 1, 1, NOW);
    // Above expectation for offers: a favourite, and that shows in their chats too, where nothing was counted yet.
    expect(rates.term('promotion', 'seller-1', NOW).sender).toBeGreaterThan(0.5);
    expect(rates.term('chat', 'seller-1', NOW).sender).toBe(rates.term('promotion', 'seller-1', NOW).sender);
    // A seller of skipped offers is skipped no more than offers are: little said about the seller.
    expect(Math.abs(rates.term('promotion', 'seller-2', NOW).sender)).toBeLessThan(0.3);
  });

  it('fade with their half-life: old evidence counts half as much', () => {
    const rates = new OpenRates({ ...DEFAULT_OPEN_RATES, strength: 4, halfLifeDays: 30 });
    for (let i = 0; i < 8; i++) rates.record('review', undefined, 0, 1, NOW);
    rates.record('order', undefined, 1, 8, NOW);
    const fresh = rates.term('review', undefined, NOW).category;
    const later = rates.term('review', undefined, NOW + 30 * DAY).category;
    const fresher = new OpenRates({ ...DEFAULT_OPEN_RATES, strength: 4, halfLifeDays: 30 });
    for (let i = 0; i < 4; i++) fresher.record('review', undefined, 0, 1, NOW);
    fresher.record('order', undefined, 1, 4, NOW);
    expect(later).toBeGreaterThan(fresh);
    expect(later).toBeCloseTo(fresher.term('review', undefined, NOW).category, 10);
  });

  it('keep at most their capacity of keys, the ones counted longest ago leaving first', () => {
    const rates = new OpenRates();
    for (let i = 0; i < OPEN_RATES_CAPACITY; i++) rates.record('chat', `seller-${i}`, 0, 1, NOW + i);
    const entries = rates.entries();
    expect(entries).toHaveLength(OPEN_RATES_CAPACITY);
    expect(entries.map(([key]) => key)).not.toContain('s=seller-0');
    expect(entries.map(([key]) => key)).toContain(`s=seller-${OPEN_RATES_CAPACITY - 1}`);
    expect(entries.map(([key]) => key)).toContain('c=chat');
  });

  it('restore from their entries to the same estimates and the same entries', () => {
    const rates = new OpenRates();
    rates.record('chat', 'seller-1', 1, 1, NOW);
    rates.record('promotion', 'seller-2', 0, 0.5, NOW + DAY);
    const restored = new OpenRates(undefined, rates.entries());
    expect(restored.entries()).toEqual(rates.entries());
    expect(restored.term('chat', 'seller-1', NOW + 2 * DAY)).toEqual(rates.term('chat', 'seller-1', NOW + 2 * DAY));
  });
});
