/**
 * The storage a status history is made of: growable typed-array columns, each agent's list of entry positions, and
 * the binary search both are read with.
 */

/**
 * A growable column of numbers: one slot per history entry.
 *
 * @example
 * const at = new HistoryColumn(f64(1024), f64);
 * at.push(0, Date.now());
 */
export class HistoryColumn<T extends Float64Array | Int32Array> {
  constructor(
    public data: T,
    private readonly make: (n: number) => T,
  ) {}

  /** Sets the value at `length` (the column's used length), doubling the column when it is full. */
  push(length: number, value: number): void {
    if (length === this.data.length) {
      const bigger = this.make(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[length] = value;
  }

  /** Room for `n` values (doubling, as `push` does). */
  reserve(n: number): void {
    if (n <= this.data.length) return;
    let size = this.data.length;
    while (size < n) size *= 2;
    const bigger = this.make(size);
    bigger.set(this.data);
    this.data = bigger;
  }
}

/** A new column of `n` floats. */
export const f64 = (n: number) => new Float64Array(n);

/** A new column of `n` 32-bit integers. */
export const i32 = (n: number) => new Int32Array(n);

/** One agent's entry positions in the history, ascending; `data` has room past `length`. */
export type AgentPositions = { data: Int32Array; length: number };

/** First position among `data[0..length)` (ascending) whose value is >= `target`. */
export function lowerBound(data: Float64Array | Int32Array, length: number, target: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((data[mid] as number) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
