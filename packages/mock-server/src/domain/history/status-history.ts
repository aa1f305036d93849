import {
  ENTRIES_PER_STEP,
  type HistoryColumns,
  mergeBackfillSteps,
  renumberedPositionSteps,
  settlePositions,
  withLiveChanges,
} from './history-backfill.js';
import { type AgentPositions, f64, HistoryColumn, i32, lowerBound } from './history-column.js';
import type { Actor, HistoryBatch, HistoryEntry, StatusChangeRun, StatusRef } from './history-entry.js';
import { type HistorySnapshot, PeriodCursor } from './period-cursor.js';

/**
 * One account's status history: every change of every agent, in clock order. Live changes are appended (the clock
 * never goes back, so appending keeps it sorted by `at`); new agents' simulated history is merged in by `backfill`.
 * Stored in typed-array columns rather than an object per change, so a million-row history fits in tens of
 * megabytes and reports scan it without garbage.
 */
export class StatusHistory {
  private size = 0;
  private merging = false;
  private readonly at = new HistoryColumn(f64(1024), f64);
  /** NaN while the period is still running. */
  private readonly end = new HistoryColumn(f64(1024), f64);
  private readonly previousIndex = new HistoryColumn(i32(1024), i32);
  private readonly agentOf = new HistoryColumn(i32(1024), i32);
  private readonly statusOf = new HistoryColumn(i32(1024), i32);
  private readonly actorOf = new HistoryColumn(i32(1024), i32);
  private readonly agentIds: string[] = [];
  private readonly agentIndex = new Map<string, number>();
  /** Per agent: when its history was recorded, for backfilled agents; −∞ for agents recorded as things happened. */
  private readonly agentRecordedAt: number[] = [];
  /** Per agent: the history indices of its entries, ascending (for binary search by time). */
  private readonly positions: AgentPositions[] = [];
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
    const agent = this.agentPosition(change.agentId);
    const mine = this.positions[agent] as AgentPositions;
    const previous = mine.length > 0 ? (mine.data[mine.length - 1] as number) : -1;
    if (previous >= 0) this.end.data[previous] = change.at;
    const index = this.size;
    this.at.push(index, change.at);
    this.end.push(index, Number.NaN);
    this.previousIndex.push(index, previous);
    this.agentOf.push(index, agent);
    this.statusOf.push(index, this.statusPosition(change.statusId, change.statusName, change.active));
    this.actorOf.push(index, this.actorPosition(change.actor));
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
    const agents = run.agentIds.map((id) => this.agentPosition(id));
    const statuses = run.statuses.map((s) => this.statusPosition(s.id, s.name, s.active));
    const actors = run.actors.map((a) => this.actorPosition(a));
    const n = this.size + run.length;
    for (const column of [this.at, this.end, this.previousIndex, this.agentOf, this.statusOf, this.actorOf]) {
      column.reserve(n);
    }
    // Room in each agent's position list for all its new entries at once.
    const counts = new Int32Array(run.agentIds.length);
    for (let k = 0; k < run.length; k++) (counts[run.agent[k] as number] as number)++;
    agents.forEach((agent, a) => {
      const mine = this.positions[agent] as AgentPositions;
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
      const mine = this.positions[agent] as AgentPositions;
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
    const start = lowerBound(this.at.data, this.size, from);
    // Periods that began before `from` and may run into it: each agent's last entry before `start`.
    const carried: number[] = [];
    for (const mine of this.positions) {
      const k = lowerBound(mine.data, mine.length, start) - 1;
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
   * Adds new agents' whole history (`batch`, sorted by time, all before the clock's now), merged in clock order.
   * The agents must have no history yet. Their history shows in cursors made after it, and not in reports that
   * completed before `recordedAt`.
   */
  backfill(batch: HistoryBatch, recordedAt: number): void {
    const steps = this.backfillSteps(batch, recordedAt);
    while (!steps.next().done) {}
  }

  /**
   * {@link backfill} in steps of a few milliseconds. Between steps the history stays whole and usable: live changes
   * recorded meanwhile (always later than the batch, which lies in the past) are carried into the merged history by
   * the last step, which also makes the new agents' history visible. The result is the one `backfill` gives when the
   * live changes are recorded after it. One backfill at a time: another started meanwhile throws.
   *
   * @example
   * for (const _ of history.backfillSteps(batch, now)) await nextTurn();
   */
  *backfillSteps(batch: HistoryBatch, recordedAt: number): Generator<void, void> {
    // Two merges at once would each renumber the other's entries: the caller waits for `backfilling` to clear.
    if (this.merging) throw new RangeError('a backfill is under way already');
    this.merging = true;
    try {
      yield* this.merge(batch, recordedAt);
    } finally {
      this.merging = false;
    }
  }

  /** Whether a backfill is under way (between its steps); another must wait for it. */
  get backfilling(): boolean {
    return this.merging;
  }

  private *merge(batch: HistoryBatch, recordedAt: number): Generator<void, void> {
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
      if (j % ENTRIES_PER_STEP === ENTRIES_PER_STEP - 1) yield;
    }
    const firstNew = this.positions.length;
    const agentOfBatch = batch.agentIds.map((id, a) => this.agentPosition(id, recordedAt, counts[a] as number));
    const statusOfBatch = batch.statuses.map((s) => this.statusPosition(s.id, s.name, s.active));
    const actorOfBatch = batch.actors.map((actor) => this.actorPosition(actor));
    yield;
    const newAgents = this.positions.slice(firstNew, firstNew + batch.agentIds.length);
    const size = this.size;
    const { columns, moved, filled } = yield* mergeBackfillSteps(
      this.columns(),
      size,
      batch,
      {
        agentMap: Int32Array.from(agentOfBatch),
        statusMap: Int32Array.from(statusOfBatch),
        actorMap: Int32Array.from(actorOfBatch),
      },
      newAgents.map((p) => p.data),
    );
    const total = size + batch.length;
    const renumber = (x: number) => (x < size ? (moved[x] as number) : total + (x - size));
    // In steps too: the older agents' entry positions in the merged history, in copies (the originals stay in use).
    const renumbered = yield* renumberedPositionSteps(this.positions.slice(0, firstNew), renumber);
    // The last step, all at once: changes recorded during the steps go after the batch, and the positions move.
    const merged = withLiveChanges(columns, this.columns(), size, this.size, total, moved);
    settlePositions(this.positions, renumbered, firstNew + newAgents.length, renumber);
    newAgents.forEach((p, a) => {
      p.length = filled[a] as number;
    });
    this.at.data = merged.at;
    this.end.data = merged.end;
    this.previousIndex.data = merged.previous;
    this.agentOf.data = merged.agentOf;
    this.statusOf.data = merged.statusOf;
    this.actorOf.data = merged.actorOf;
    this.size = total + (this.size - size);
  }

  /** The columns as they are. */
  private columns(): HistoryColumns {
    return {
      at: this.at.data,
      end: this.end.data,
      previous: this.previousIndex.data,
      agentOf: this.agentOf.data,
      statusOf: this.statusOf.data,
      actorOf: this.actorOf.data,
    };
  }

  private positionsOf(agentId: string) {
    const agent = this.agentIndex.get(agentId);
    return agent === undefined ? undefined : this.positions[agent];
  }

  /**
   * The agent's position among the history's agents; a new agent gets room for `capacity` entries and `recordedAt`
   * (see `agentRecordedAt`). A backfill passes both; a change recorded as it happens leaves them to the defaults.
   */
  private agentPosition(id: string, recordedAt = Number.NEGATIVE_INFINITY, capacity = 4): number {
    const known = this.agentIndex.get(id);
    if (known !== undefined) return known;
    this.agentIndex.set(id, this.agentIds.length);
    this.agentIds.push(id);
    this.positions.push({ data: i32(Math.max(4, capacity)), length: 0 });
    this.agentRecordedAt.push(recordedAt);
    return this.agentIds.length - 1;
  }

  /** A status's position among the history's statuses (by id and name), added when new. */
  private statusPosition(id: string, name: string, active: boolean): number {
    const key = `${id}\u0000${name}`;
    const known = this.statusIndex.get(key);
    if (known !== undefined) return known;
    this.statusIndex.set(key, this.statuses.length);
    return this.statuses.push({ id, name, active }) - 1;
  }

  /** An actor's position among the history's actors, added when new. */
  private actorPosition(actor: Actor): number {
    const key = `${actor.type}\u0000${actor.id}`;
    const known = this.actorIndex.get(key);
    if (known !== undefined) return known;
    this.actorIndex.set(key, this.actors.length);
    return this.actors.push({ ...actor }) - 1;
  }
}
