import type { StatusRef } from './history-entry.js';

/**
 * The columns of a status history as they stood when a cursor was made. A backfill replaces the history's arrays
 * (it never writes into the old ones) and a live change only closes periods at or after the clock's time, so a
 * report streamed over a snapshot keeps reading the history it started with.
 */
export type HistorySnapshot = {
  readonly size: number;
  readonly at: Float64Array;
  /** NaN while the period is still running. */
  readonly end: Float64Array;
  readonly agentOf: Int32Array;
  readonly statusOf: Int32Array;
  readonly agentIds: readonly string[];
  readonly statuses: readonly StatusRef[];
  /** Per agent: the clock time its history was recorded (−∞ when it was recorded as it happened). */
  readonly agentRecordedAt: readonly number[];
};

/**
 * Walks the periods overlapping a window without allocating per period: `next()` moves to the next one and
 * `index`/`seconds` describe it. Periods come in order of selection. Agents whose history was recorded after
 * `cutoff` (backfilled later) are left out, so a completed report stays a snapshot.
 */
export class PeriodCursor {
  /** History index of the current period's entry. */
  index = -1;
  /** Whole seconds of the current period inside the window. */
  seconds = 0;
  private carriedAt = 0;
  private scan: number;

  constructor(
    private readonly history: HistorySnapshot,
    private readonly from: number,
    private readonly upper: number,
    private readonly cutoff: number,
    start: number,
    private readonly carried: number[],
  ) {
    this.scan = start;
  }

  /** Moves to the next period; false when there is none. */
  next(): boolean {
    while (this.carriedAt < this.carried.length) {
      if (this.take(this.carried[this.carriedAt++] as number)) return true;
    }
    const { at, size } = this.history;
    while (this.scan < size) {
      const i = this.scan++;
      if ((at[i] as number) >= this.upper) {
        this.scan = size;
        return false;
      }
      if (this.take(i)) return true;
    }
    return false;
  }

  /** Agent id of the current period. */
  agentId(): string {
    return this.history.agentIds[this.history.agentOf[this.index] as number] as string;
  }

  /** Status of the current period, with its name when it was selected. */
  status(): Readonly<StatusRef> {
    return this.history.statuses[this.history.statusOf[this.index] as number] as StatusRef;
  }

  /** Position of the current period's status (its id and name when selected) among the history's statuses. */
  statusPosition(): number {
    return this.history.statusOf[this.index] as number;
  }

  /** When the current period's status was selected (epoch ms). */
  selectedAt(): number {
    return this.history.at[this.index] as number;
  }

  private take(i: number): boolean {
    const h = this.history;
    const start = h.at[i] as number;
    const ended = h.end[i] as number;
    const end = Math.min(Number.isNaN(ended) ? this.cutoff : ended, this.cutoff);
    if (end <= this.from || start >= this.upper) return false;
    if ((h.agentRecordedAt[h.agentOf[i] as number] as number) > this.cutoff) return false;
    this.index = i;
    this.seconds = Math.floor((Math.min(end, this.upper) - Math.max(start, this.from)) / 1000);
    return true;
  }
}
