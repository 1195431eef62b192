import { describe, expect, it } from 'vitest';
import { RowOffsets } from './row-offsets.js';

const keys = (count: number) => Array.from({ length: count }, (_, index) => `m${index}`);

describe('RowOffsets', () => {
  it('lays unmeasured rows out at the estimate', () => {
    const rows = new RowOffsets(100);
    rows.setKeys(keys(5));
    expect([0, 1, 2, 5].map((index) => rows.offsetOf(index))).toEqual([0, 100, 200, 500]);
    expect(rows.total).toBe(500);
  });

  it('moves every row below a measured one by what it grew, and says by how much', () => {
    const rows = new RowOffsets(100);
    rows.setKeys(keys(4));
    expect(rows.total).toBe(400);
    expect(rows.measure('m1', 160)).toBe(60);
    expect([0, 1, 2, 3, 4].map((index) => rows.offsetOf(index))).toEqual([0, 100, 260, 360, 460]);
    expect(rows.measure('m1', 160)).toBe(0);
    expect(rows.measure('m0', 80)).toBe(-20);
    expect(rows.offsetOf(2)).toBe(240);
  });

  it('ignores a zero height (a hidden list) and rows it does not hold', () => {
    const rows = new RowOffsets(100);
    rows.setKeys(keys(2));
    expect(rows.measure('m0', 0)).toBe(0);
    expect(rows.measure('elsewhere', 50)).toBe(0);
    expect(rows.total).toBe(200);
  });

  it('keeps measured heights by key when rows arrive above', () => {
    const rows = new RowOffsets(100);
    rows.setKeys(['a', 'b']);
    rows.measure('b', 40);
    rows.setKeys(['new', 'a', 'b']);
    expect(rows.offsetOf(2)).toBe(200);
    expect(rows.total).toBe(240);
    // Measured while not listed, used once it is.
    rows.measure('later', 10);
    rows.setKeys(['later']);
    expect(rows.total).toBe(10);
  });

  it('finds the row covering a height by binary search, clamped to the rows there are', () => {
    const rows = new RowOffsets(100);
    rows.setKeys(keys(4));
    rows.measure('m1', 50);
    // Tops: 0, 100, 150, 250; total 350.
    expect([0, 99, 100, 149, 150, 349, 1_000, -5].map((y) => rows.indexAt(y))).toEqual([0, 0, 1, 1, 2, 3, 3, 0]);
    rows.setKeys([]);
    expect(rows.indexAt(10)).toBe(0);
    expect(rows.total).toBe(0);
  });

  it('agrees with a plain sum over 100,000 rows measured in any order', () => {
    const count = 100_000;
    const rows = new RowOffsets(120);
    rows.setKeys(keys(count));
    const heights = Array.from({ length: count }, () => 120);
    for (let step = 0; step < 2_000; step += 1) {
      const index = (step * 7_919) % count;
      heights[index] = 60 + (step % 200);
      rows.measure(`m${index}`, heights[index]!);
      if (step % 250 === 0) rows.offsetOf(count);
    }
    let sum = 0;
    for (let index = 0; index < count; index += 1) {
      if (index % 9_973 === 0) {
        expect(rows.offsetOf(index)).toBe(sum);
        expect(rows.indexAt(sum)).toBe(index);
      }
      sum += heights[index]!;
    }
    expect(rows.total).toBe(sum);
  });

  it('refuses an estimate that is not a positive height', () => {
    expect(() => new RowOffsets(0)).toThrow(/positive height/);
    expect(() => new RowOffsets(Number.NaN)).toThrow(/positive height/);
  });
});
