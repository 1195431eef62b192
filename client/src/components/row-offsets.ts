/**
 * Where each row of a virtual list starts when rows are as tall as their
 * content: a prefix sum over heights, measured for the rows that have been
 * rendered and estimated for the rest. Heights are kept by row key, so a
 * row keeps its measured height when new rows arrive above it.
 *
 * Offsets are recomputed lazily from the first row that changed, so a burst
 * of measurements costs one pass, and finding the first visible row is a
 * binary search: the list stays cheap at 100,000 rows.
 */
export class RowOffsets {
  private readonly measured = new Map<string, number>();
  private keys: readonly string[] = [];
  private indexByKey = new Map<string, number>();
  /** offsets[i] is the top of row i; offsets[length] is the total height. */
  private offsets = new Float64Array(1);
  /** Offsets from this index on are stale. */
  private staleFrom = 0;

  constructor(private readonly estimate: number) {
    if (!(estimate > 0)) throw new RangeError(`RowOffsets: the estimate must be a positive height, got ${estimate}`);
  }

  get length(): number {
    return this.keys.length;
  }

  /** The rows, in order; heights measured before are kept for keys still present. */
  setKeys(keys: readonly string[]): void {
    this.keys = keys;
    this.indexByKey = new Map(keys.map((key, index) => [key, index]));
    this.offsets = new Float64Array(keys.length + 1);
    this.staleFrom = 0;
  }

  /** The height a row is laid out with: measured, or the estimate. */
  heightOf(index: number): number {
    const key = this.keys[index];
    return (key !== undefined ? this.measured.get(key) : undefined) ?? this.estimate;
  }

  /**
   * Records a rendered row's height. Returns how much the row grew (negative
   * when it shrank), 0 when nothing changed. A zero height (the list hidden,
   * not the row empty) is ignored.
   */
  measure(key: string, height: number): number {
    if (!(height > 0)) return 0;
    const index = this.indexByKey.get(key);
    const before = index === undefined ? (this.measured.get(key) ?? this.estimate) : this.heightOf(index);
    this.measured.set(key, height);
    if (index === undefined || before === height) return 0;
    this.staleFrom = Math.min(this.staleFrom, index + 1);
    return height - before;
  }

  /** The top of row `index` (index = length gives the total height). */
  offsetOf(index: number): number {
    const clamped = Math.max(0, Math.min(index, this.keys.length));
    this.refresh(clamped);
    return this.offsets[clamped]!;
  }

  get total(): number {
    return this.offsetOf(this.keys.length);
  }

  /** The row that covers height `y` from the top of the list (clamped to the rows there are). */
  indexAt(y: number): number {
    const count = this.keys.length;
    if (count === 0) return 0;
    this.refresh(count);
    // The last row whose top is at or above y.
    let low = 0;
    let high = count - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.offsets[middle]! <= y) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  private refresh(upTo: number): void {
    if (this.staleFrom === 0) {
      this.offsets[0] = 0;
      this.staleFrom = 1;
    }
    for (let index = this.staleFrom; index <= upTo; index += 1) {
      this.offsets[index] = this.offsets[index - 1]! + this.heightOf(index - 1);
    }
    this.staleFrom = Math.max(this.staleFrom, upTo + 1);
  }
}
