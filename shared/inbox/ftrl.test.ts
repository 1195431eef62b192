import { describe, expect, it } from 'vitest';
import { FtrlModel, sigmoid } from './ftrl.js';

describe('FTRL-Proximal', () => {
  it('adds nothing before learning, and learns the direction of the labels', () => {
    const model = new FtrlModel(16);
    expect(model.margin([1, 2, 3])).toBe(0);
    for (let i = 0; i < 20; i++) {
      model.update([1, 2], 0, 1);
      model.update([1, 3], 0, 0);
    }
    expect(model.margin([2])).toBeGreaterThan(0);
    expect(model.margin([3])).toBeLessThan(0);
    expect(model.margin([4])).toBe(0);
  });

  it('learns nothing from what the prior already predicts', () => {
    const model = new FtrlModel(4);
    for (let i = 0; i < 50; i++) model.update([0], 30, 1);
    expect(model.weight(0)).toBe(0);
  });

  it('keeps L1-small evidence at exactly zero and its logistic finite at extremes', () => {
    const model = new FtrlModel(4, { alpha: 0.5, beta: 1, l1: 10, l2: 1 });
    model.update([0], 0, 1);
    expect(model.weight(0)).toBe(0);
    expect(sigmoid(1e9)).toBeLessThanOrEqual(1);
    expect(sigmoid(-1e9)).toBeGreaterThan(0);
  });
});
