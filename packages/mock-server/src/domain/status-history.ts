/** Who made a status change: the agent itself (from the UI) or an admin (through the API). */
export type Actor = { type: 'agent' | 'admin'; id: string };

/** One status change: from `at` the agent was on `statusId` until the agent's next entry (or still is). */
export type HistoryEntry = {
  /** Position in the history. */
  readonly index: number;
  readonly agentId: string;
  readonly statusId: string;
  /** The status's name when it was selected; later renames do not rewrite history. */
  readonly statusName: string;
  readonly active: boolean;
  /** Epoch ms, clock time. */
  readonly at: number;
  readonly actor: Actor;
  /** Index of the agent's previous entry, or -1 for its first. */
  readonly previous: number;
  /** Epoch ms when the agent left this status; undefined while it is still on it. */
  readonly endAt: number | undefined;
};

/** A period an agent spent in one status, clipped to a window, as a report row needs it. */
export type StatusPeriod = { entry: HistoryEntry; seconds: number };

type StatusRef = { id: string; name: string; active: boolean };

/** A growable column of numbers. */
class Column<T extends Float64Array | Int32Array> {
  constructor(
    public data: T,
    private readonly make: (n: number) => T,
  ) {}
  push(length: number, value: number): void {
    if (length === this.data.length) {
      const bigger = this.make(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[length] = value;
  }
}

const f64 = (n: number) => new Float64Array(n);
const i32 = (n: number) => new Int32Array(n);

/**
 * Walks the periods overlapping a window without allocating per period: `next()` moves to the next one and
 * `index`/`seconds` describe it. Periods come in order of selection.
 */
export class PeriodCursor {
  /** History index of the current period's entry. */
  index = -1;
  /** Whole seconds of the current period inside the window. */
  seconds = 0;
  private carried: number[];
  private carriedAt = 0;
  private scan: number;

  constructor(
    private readonly history: StatusHistory,
    private readonly from: number,
    private readonly upper: number,
    private readonly cutoff: number,
    start: number,
    carried: number[],
  ) {
    this.scan = start;
    this.carried = carried;
  }

  /** Moves to the next period; false when there is none. */
  next(): boolean {
    while (this.carriedAt < this.carried.length) {
      if (this.take(this.carried[this.carriedAt++] as number)) return true;
    }
    const at = this.history.atColumn();
    while (this.scan < this.history.length) {
      const i = this.scan++;
      if ((at[i] as number) >= this.upper) {
        this.scan = this.history.length;
        return false;
      }
      if (this.take(i)) return true;
    }
    return false;
  }

  private take(i: number): boolean {
    const start = this.history.atColumn()[i] as number;
    const ended = this.history.endColumn()[i] as number;
    const end = Math.min(Number.isNaN(ended) ? this.cutoff : ended, this.cutoff);
    if (end <= this.from || start >= this.upper) return false;
    this.index = i;
    this.seconds = Math.floor((Math.min(end, this.upper) - Math.max(start, this.from)) / 1000);
    return true;
  }
}

/**
 * One account's status history: every change of every agent, append-only, in clock order (the clock never goes
 * back, so appending keeps it sorted by `at`). Stored in typed-array columns: about 30 bytes a change instead of an
 * object each, so a million-row history fits in tens of megabytes and reports scan it without garbage.
 */
export class StatusHistory {
  private size = 0;
  private readonly at = new Column(f64(1024), f64);
  /** NaN while the period is still running. */
  private readonly end = new Column(f64(1024), f64);
  private readonly previousIndex = new Column(i32(1024), i32);
  private readonly agentOf = new Column(i32(1024), i32);
  private readonly statusOf = new Column(i32(1024), i32);
  private readonly actorOf = new Column(i32(1024), i32);
  private readonly agentIds: string[] = [];
  private readonly agentIndex = new Map<string, number>();
  /** Per agent: the history indices of its entries, ascending (for binary search by time). */
  private readonly positions: { data: Int32Array; length: number }[] = [];
  private readonly statuses: StatusRef[] = [];
  private readonly statusIndex = new Map<string, number>();
  private readonly actors: Actor[] = [];
  private readonly actorIndex = new Map<string, number>();

  /** How many entries there are. */
  get length(): number {
    return this.size;
  }

  /** Clock time of the latest entry; a new entry must not be earlier, or the history would lose its order. */
  get lastAt(): number {
    return this.size === 0 ? Number.NEGATIVE_INFINITY : (this.at.data[this.size - 1] as number);
  }

  /** The `at` column, for cursors. */
  atColumn(): Float64Array {
    return this.at.data;
  }

  /** The end column (NaN while running), for cursors. */
  endColumn(): Float64Array {
    return this.end.data;
  }

  /** Appends a change and closes the agent's previous period at `at`. Returns the new entry. */
  record(change: {
    agentId: string;
    statusId: string;
    statusName: string;
    active: boolean;
    at: number;
    actor: Actor;
  }): HistoryEntry {
    if (change.at < this.lastAt) throw new RangeError('history entries must be recorded in clock order');
    const agent = this.intern(this.agentIndex, this.agentIds, change.agentId, change.agentId);
    if (agent === this.positions.length) this.positions.push({ data: i32(4), length: 0 });
    const mine = this.positions[agent] as { data: Int32Array; length: number };
    const previous = mine.length > 0 ? (mine.data[mine.length - 1] as number) : -1;
    if (previous >= 0) this.end.data[previous] = change.at;
    const index = this.size;
    this.at.push(index, change.at);
    this.end.push(index, Number.NaN);
    this.previousIndex.push(index, previous);
    this.agentOf.push(index, agent);
    this.statusOf.push(
      index,
      this.intern(this.statusIndex, this.statuses, `${change.statusId}\u0000${change.statusName}`, {
        id: change.statusId,
        name: change.statusName,
        active: change.active,
      }),
    );
    this.actorOf.push(
      index,
      this.intern(this.actorIndex, this.actors, `${change.actor.type}\u0000${change.actor.id}`, { ...change.actor }),
    );
    if (mine.length === mine.data.length) {
      const bigger = i32(mine.data.length * 2);
      bigger.set(mine.data);
      mine.data = bigger;
    }
    mine.data[mine.length++] = index;
    this.size++;
    return this.entry(index);
  }

  /** The entry at `index`, as an object. */
  entry(index: number): HistoryEntry {
    const status = this.statuses[this.statusOf.data[index] as number] as StatusRef;
    const end = this.end.data[index] as number;
    return {
      index,
      agentId: this.agentIds[this.agentOf.data[index] as number] as string,
      statusId: status.id,
      statusName: status.name,
      active: status.active,
      at: this.at.data[index] as number,
      actor: this.actors[this.actorOf.data[index] as number] as Actor,
      previous: this.previousIndex.data[index] as number,
      endAt: Number.isNaN(end) ? undefined : end,
    };
  }

  /** Agent id of the entry at `index` (no object made). */
  agentIdAt(index: number): string {
    return this.agentIds[this.agentOf.data[index] as number] as string;
  }

  /** Status of the entry at `index` (no object made). */
  statusAt(index: number): Readonly<StatusRef> {
    return this.statuses[this.statusOf.data[index] as number] as StatusRef;
  }

  /** Clock time of the entry at `index`. */
  atOf(index: number): number {
    return this.at.data[index] as number;
  }

  /** The agent's current entry (the status it is on now). */
  current(agentId: string): HistoryEntry | undefined {
    const mine = this.positionsOf(agentId);
    return mine && mine.length > 0 ? this.entry(mine.data[mine.length - 1] as number) : undefined;
  }

  /** The entry before `entry` for the same agent. */
  previousOf(entry: HistoryEntry): HistoryEntry | undefined {
    return entry.previous >= 0 ? this.entry(entry.previous) : undefined;
  }

  /** The agent's entries, oldest first. */
  forAgent(agentId: string): HistoryEntry[] {
    const mine = this.positionsOf(agentId);
    if (!mine) return [];
    return Array.from(mine.data.subarray(0, mine.length), (index) => this.entry(index));
  }

  /**
   * A cursor over every period overlapping `[from, to)`, with its whole seconds inside the window. A period still
   * running at `cutoff` (the report's completion time) ends there. Cost: a binary search per agent, then only the
   * entries inside the window; memory is constant whatever the report's size.
   */
  cursor(from: number, to: number, cutoff: number): PeriodCursor {
    const upper = Math.min(to, cutoff);
    const start = this.lowerBound(this.at.data, this.size, from);
    // Periods that began before `from` and may run into it: each agent's last entry before `start`.
    const carried: number[] = [];
    for (const mine of this.positions) {
      const k = this.lowerBound(mine.data, mine.length, start) - 1;
      if (k >= 0) carried.push(mine.data[k] as number);
    }
    carried.sort((a, b) => a - b);
    return new PeriodCursor(this, from, upper, cutoff, start, carried);
  }

  /** Every period overlapping `[from, to)` as objects; `cursor` does the same without allocating. */
  *periods(from: number, to: number, cutoff: number): Generator<StatusPeriod> {
    const cursor = this.cursor(from, to, cutoff);
    while (cursor.next()) yield { entry: this.entry(cursor.index), seconds: cursor.seconds };
  }

  private positionsOf(agentId: string) {
    const agent = this.agentIndex.get(agentId);
    return agent === undefined ? undefined : this.positions[agent];
  }

  /** First position among `data[0..length)` (ascending) whose value is >= `target`. */
  private lowerBound(data: Float64Array | Int32Array, length: number, target: number): number {
    let lo = 0;
    let hi = length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((data[mid] as number) < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private intern<T>(index: Map<string, number>, list: T[], key: string, value: T): number {
    const known = index.get(key);
    if (known !== undefined) return known;
    index.set(key, list.length);
    list.push(value);
    return list.length - 1;
  }
}
