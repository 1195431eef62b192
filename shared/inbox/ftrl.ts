/**
 * Online logistic regression with FTRL-Proximal (McMahan et al., "Ad Click
 * Prediction: a View from the Trenches", 2013), on binary hashed features.
 *
 * The state is two numbers per slot of a fixed-size table (z, the adjusted
 * gradient sum, and n, the sum of squared gradients), so memory and the saved
 * size never grow with what is learned. Both are kept as 32-bit floats: the
 * saved bytes are then exactly the state, and a restored model scores exactly
 * like the one that was saved. Weights are derived from (z, n) when read; a
 * slot never touched has weight 0, so an untrained model adds nothing to the
 * prior it is given.
 */

export interface FtrlSettings {
  /** Per-coordinate learning rate scale. */
  alpha: number;
  /** Smoothing of the per-coordinate rate at the start. */
  beta: number;
  /** L1: weights whose evidence is below this stay exactly 0 (sparse, quiet explanations). */
  l1: number;
  /** L2: shrinks every weight towards 0. */
  l2: number;
}

export const DEFAULT_FTRL: FtrlSettings = { alpha: 0.5, beta: 1, l1: 0.5, l2: 1 };

/** Largest |margin| fed to the logistic function: keeps exp() finite and updates bounded. */
const MAX_LOGIT = 35;

export function sigmoid(logit: number): number {
  const clamped = Math.max(-MAX_LOGIT, Math.min(MAX_LOGIT, logit));
  return 1 / (1 + Math.exp(-clamped));
}

export class FtrlModel {
  readonly z: Float32Array;
  readonly n: Float32Array;

  constructor(
    readonly size: number,
    readonly settings: FtrlSettings = DEFAULT_FTRL,
    z?: Float32Array,
    n?: Float32Array,
  ) {
    this.z = z ?? new Float32Array(size);
    this.n = n ?? new Float32Array(size);
  }

  /** The weight of one slot, from its (z, n). */
  weight(slot: number): number {
    const z = this.z[slot]!;
    const { alpha, beta, l1, l2 } = this.settings;
    if (Math.abs(z) <= l1) return 0;
    return -(z - Math.sign(z) * l1) / ((beta + Math.sqrt(this.n[slot]!)) / alpha + l2);
  }

  /** Sum of the weights of the active slots (the learned part of the logit). */
  margin(slots: ArrayLike<number>): number {
    let sum = 0;
    for (let i = 0; i < slots.length; i++) sum += this.weight(slots[i]!);
    return sum;
  }

  /**
   * One example: active slots, a fixed offset (the prior, not learned),
   * label 1 or 0, and how much this example counts.
   */
  update(slots: ArrayLike<number>, offset: number, label: 0 | 1, importance = 1): void {
    const { alpha } = this.settings;
    const gradient = importance * (sigmoid(offset + this.margin(slots)) - label);
    const squared = gradient * gradient;
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      const n = this.n[slot]!;
      const sigma = (Math.sqrt(n + squared) - Math.sqrt(n)) / alpha;
      // Weight read before z and n move, as the algorithm has it.
      this.z[slot] = this.z[slot]! + gradient - sigma * this.weight(slot);
      this.n[slot] = n + squared;
    }
  }
}
