/**
 * Turning a simulated floor's changes, collected agent after agent, into clock order: the growable columns they are
 * collected in, and the radix sort that orders them by time.
 */
import type { ChangeColumns } from '../history/history-entry.js';

/** Bits of the second sorted per radix pass. */
const RADIX_BITS = 13;
const RADIX = 1 << RADIX_BITS;
/** Changes handled by one loop between two steps of {@link inClockOrderSteps}. */
const CHANGES_PER_STEP = 100_000;

/** Growable columns the changes are collected in, agent after agent. */
export class ChangeLog {
  length = 0;
  at: Float64Array;
  agent: Int32Array;
  status: Int32Array;
  /** Room for `capacity` changes before the columns first grow. */
  constructor(capacity: number) {
    this.at = new Float64Array(capacity);
    this.agent = new Int32Array(capacity);
    this.status = new Int32Array(capacity);
  }
  /** Adds a change: agent `agent` on status `status` from `at`. */
  push(at: number, agent: number, status: number): void {
    if (this.length === this.at.length) {
      const grow = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T) => {
        const bigger = make(a.length * 2);
        bigger.set(a);
        return bigger;
      };
      this.at = grow(this.at, (n) => new Float64Array(n));
      this.agent = grow(this.agent, (n) => new Int32Array(n));
      this.status = grow(this.status, (n) => new Int32Array(n));
    }
    this.at[this.length] = at;
    this.agent[this.length] = agent;
    this.status[this.length] = status;
    this.length++;
  }
}

/**
 * The changes sorted by time, ties in the order they were made: a stable LSD radix sort on each change's second
 * since `from` (rounded up, so `from` itself is second 0 and every later change, on a whole second, keeps its
 * order), 13 bits a pass. Two passes cover 2^26 seconds (two years); linear in the changes, unlike a comparison
 * sort (bench/NOTES.md). In steps: a slice of a loop per `next()`, the sorted columns returned by the last.
 *
 * @example
 * const ordered = yield* inClockOrderSteps(log, from);
 */
export function* inClockOrderSteps(log: ChangeLog, from: number): Generator<void, Omit<ChangeColumns, 'statuses'>> {
  const { length } = log;
  // Each loop below runs over `[lo, hi)` slices of CHANGES_PER_STEP, with a step between slices.
  const slices = function* (): Generator<[number, number]> {
    for (let lo = 0; lo < length; lo += CHANGES_PER_STEP) yield [lo, Math.min(length, lo + CHANGES_PER_STEP)];
  };
  const seconds = new Uint32Array(length);
  let latest = 0;
  for (const [lo, hi] of slices()) {
    for (let k = lo; k < hi; k++) {
      const second = Math.ceil(((log.at[k] as number) - from) / 1000);
      seconds[k] = second;
      if (second > latest) latest = second;
    }
    yield;
  }
  let order = new Int32Array(length);
  for (const [lo, hi] of slices()) {
    for (let k = lo; k < hi; k++) order[k] = k;
    yield;
  }
  let spare = new Int32Array(length);
  yield;
  const counts = new Int32Array(RADIX + 1);
  for (let shift = 0; shift === 0 || latest >>> shift > 0; shift += RADIX_BITS) {
    counts.fill(0);
    for (const [lo, hi] of slices()) {
      for (let k = lo; k < hi; k++) (counts[(((seconds[k] as number) >>> shift) & (RADIX - 1)) + 1] as number)++;
      yield;
    }
    for (let d = 0; d < RADIX; d++) (counts[d + 1] as number) += counts[d] as number;
    for (const [lo, hi] of slices()) {
      for (let k = lo; k < hi; k++) {
        const i = order[k] as number;
        spare[(counts[((seconds[i] as number) >>> shift) & (RADIX - 1)] as number)++] = i;
      }
      yield;
    }
    [order, spare] = [spare, order];
  }
  const at = new Float64Array(length);
  const agent = new Int32Array(length);
  const status = new Int32Array(length);
  // Large columns are made in a step of their own (zero-filling them takes milliseconds).
  yield;
  for (const [lo, hi] of slices()) {
    for (let k = lo; k < hi; k++) {
      const i = order[k] as number;
      at[k] = log.at[i] as number;
      agent[k] = log.agent[i] as number;
      status[k] = log.status[i] as number;
    }
    yield;
  }
  return { length, at, agent, status };
}
