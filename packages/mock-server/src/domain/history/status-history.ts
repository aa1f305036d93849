import { mergeBackfill } from './history-backfill.js';
import type { Actor, HistoryBatch, HistoryEntry, StatusChangeRun, StatusRef } from './history-entry.js';
import { type HistorySnapshot, PeriodCursor } from './period-cursor.js';

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

const f64 = (n: number) => new Float64Array(n);
const i32 = (n: number) => new Int32Array(n);

/**
 * One account's status history: every change of every agent, in clock order. Live changes are appended (the clock
 * never goes back, so appending keeps it sorted by `at`); new agents' simulated history is merged in by `backfill`.
 * Stored in typed-array columns rather than an object per change, so a million-row history fits in tens of
 * megabytes and reports scan it without garbage.
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
  /** Per agent: when its history was recorded, for backfilled agents; −∞ for agents recorded as things happened. */
  private readonly agentRecordedAt: number[] = [];
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
    if (agent === this.positions.length) {
      this.positions.push({ data: i32(4), length: 0 });
      this.agentRecordedAt.push(Number.NEGATIVE_INFINITY);
    }
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

  /**
   * Appends many changes at once, exactly as `record` would one by one (in clock order, none before `lastAt`): a
   * restart's runs of changes go straight into the columns, with no object per change.
   */
  append(run: StatusChangeRun): void {
    const agents = run.agentIds.map((id) => {
      const agent = this.intern(this.agentIndex, this.agentIds, id, id);
      if (agent === this.positions.length) {
        this.positions.push({ data: i32(4), length: 0 });
        this.agentRecordedAt.push(Number.NEGATIVE_INFINITY);
      }
      return agent;
    });
    const statuses = run.statuses.map((s) =>
      this.intern(this.statusIndex, this.statuses, `${s.id}\u0000${s.name}`, { ...s }),
    );
    const actors = run.actors.map((a) => this.intern(this.actorIndex, this.actors, `${a.type}\u0000${a.id}`, { ...a }));
    const n = this.size + run.length;
    for (const column of [this.at, this.end, this.previousIndex, this.agentOf, this.statusOf, this.actorOf]) {
      column.reserve(n);
    }
    // Room in each agent's position list for all its new entries at once.
    const counts = new Int32Array(run.agentIds.length);
    for (let k = 0; k < run.length; k++) (counts[run.agent[k] as number] as number)++;
    agents.forEach((agent, a) => {
      const mine = this.positions[agent] as { data: Int32Array; length: number };
      const needed = mine.length + (counts[a] as number);
      if (needed > mine.data.length) {
        const bigger = i32(needed + (needed >> 3));
        bigger.set(mine.data.subarray(0, mine.length));
        mine.data = bigger;
      }
    });
    const at = this.at.data;
    const end = this.end.data;
    const previousIndex = this.previousIndex.data;
    const agentOf = this.agentOf.data;
    const statusOf = this.statusOf.data;
    const actorOf = this.actorOf.data;
    let last = this.lastAt;
    for (let k = 0, index = this.size; k < run.length; k++, index++) {
      const when = run.at[k] as number;
      if (when < last) throw new RangeError('history entries must be recorded in clock order');
      last = when;
      const agent = agents[run.agent[k] as number] as number;
      const mine = this.positions[agent] as { data: Int32Array; length: number };
      const previous = mine.length > 0 ? (mine.data[mine.length - 1] as number) : -1;
      if (previous >= 0) end[previous] = when;
      at[index] = when;
      end[index] = Number.NaN;
      previousIndex[index] = previous;
      agentOf[index] = agent;
      statusOf[index] = statuses[run.status[k] as number] as number;
      actorOf[index] = actors[run.actor[k] as number] as number;
      mine.data[mine.length++] = index;
    }
    this.size = n;
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
    return new PeriodCursor(this.snapshot(), from, upper, cutoff, start, carried);
  }

  /** The columns as they are now, for a cursor (see {@link HistorySnapshot}). */
  private snapshot(): HistorySnapshot {
    return {
      size: this.size,
      at: this.at.data,
      end: this.end.data,
      agentOf: this.agentOf.data,
      statusOf: this.statusOf.data,
      agentIds: this.agentIds,
      statuses: this.statuses,
      agentRecordedAt: this.agentRecordedAt,
    };
  }

  /**
   * Adds the whole history of new agents at once, merged into clock order: `batch` is sorted by `at` and names
   * agents by their position in `batch.agentIds`, statuses by theirs in `batch.statuses`. The entries may lie
   * before existing ones (a backfill); existing agents keep their entries, at new positions. The new agents are
   * marked as recorded at `recordedAt`, so reports that completed before it leave them out. Cost: one pass over
   * the old and the new entries; the columns are replaced, never written in place, so cursors already open keep
   * their snapshot.
   */
  backfill(batch: HistoryBatch, recordedAt: number): void {
    for (const id of batch.agentIds) {
      if (this.agentIndex.has(id)) throw new RangeError(`agent ${id} already has history`);
    }
    const counts = new Int32Array(batch.agentIds.length);
    const { at: batchAt, agent: batchAgent } = batch;
    for (let j = 0; j < batch.length; j++) {
      if (j > 0 && (batchAt[j] as number) < (batchAt[j - 1] as number)) {
        throw new RangeError('a backfill must be sorted by time');
      }
      (counts[batchAgent[j] as number] as number)++;
    }
    const agentOfBatch = batch.agentIds.map((id, a) => {
      const agent = this.intern(this.agentIndex, this.agentIds, id, id);
      this.positions.push({ data: i32(Math.max(4, counts[a] as number)), length: 0 });
      this.agentRecordedAt.push(recordedAt);
      return agent;
    });
    const statusOfBatch = batch.statuses.map((s) =>
      this.intern(this.statusIndex, this.statuses, `${s.id}\u0000${s.name}`, { ...s }),
    );
    const actorOfBatch = batch.actors.map((actor) =>
      this.intern(this.actorIndex, this.actors, `${actor.type}\u0000${actor.id}`, { ...actor }),
    );
    const slots = this.positions.slice(this.positions.length - batch.agentIds.length).map((p) => p.data);
    const { columns, moved, filled } = mergeBackfill(
      {
        at: this.at.data,
        end: this.end.data,
        previous: this.previousIndex.data,
        agentOf: this.agentOf.data,
        statusOf: this.statusOf.data,
        actorOf: this.actorOf.data,
      },
      this.size,
      batch,
      {
        agentMap: Int32Array.from(agentOfBatch),
        statusMap: Int32Array.from(statusOfBatch),
        actorMap: Int32Array.from(actorOfBatch),
      },
      slots,
    );
    this.positions.slice(this.positions.length - batch.agentIds.length).forEach((p, a) => {
      p.length = filled[a] as number;
    });
    const firstNew = this.positions.length - batch.agentIds.length;
    for (let agent = 0; agent < firstNew; agent++) {
      const mine = this.positions[agent] as { data: Int32Array; length: number };
      for (let x = 0; x < mine.length; x++) mine.data[x] = moved[mine.data[x] as number] as number;
    }
    this.at.data = columns.at;
    this.end.data = columns.end;
    this.previousIndex.data = columns.previous;
    this.agentOf.data = columns.agentOf;
    this.statusOf.data = columns.statusOf;
    this.actorOf.data = columns.actorOf;
    this.size += batch.length;
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
