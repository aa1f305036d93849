/** Who made a status change: the agent itself (from the UI) or an admin (through the API). */
export type Actor = { type: 'agent' | 'admin'; id: string };

/** One status change: from `at` the agent was on `statusId` until the agent's next entry (or still is). */
export type HistoryEntry = {
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
  endAt: number | undefined;
};

/** A period an agent spent in one status, clipped to a window, as a report row needs it. */
export type StatusPeriod = { entry: HistoryEntry; seconds: number };

/**
 * One account's status history: every change of every agent, append-only, in clock order (the clock never goes
 * back, so appending keeps it sorted by `at`). Reports read a prefix of it, which is what makes a completed
 * report a stable snapshot without copying anything.
 */
export class StatusHistory {
  private readonly entries: HistoryEntry[] = [];
  private readonly latest = new Map<string, number>();

  /** How many entries there are; a report snapshots the history by remembering this. */
  get length(): number {
    return this.entries.length;
  }

  /** Appends a change and closes the agent's previous period at `at`. Returns the new entry. */
  record(change: { agentId: string; statusId: string; statusName: string; active: boolean; at: number; actor: Actor }) {
    if (change.at < this.lastAt) throw new RangeError('history entries must be recorded in clock order');
    const previous = this.latest.get(change.agentId) ?? -1;
    if (previous >= 0) (this.entries[previous] as HistoryEntry).endAt = change.at;
    const entry: HistoryEntry = { ...change, previous, endAt: undefined };
    this.latest.set(change.agentId, this.entries.push(entry) - 1);
    return entry;
  }

  /** Clock time of the latest entry; a new entry must not be earlier, or the history would lose its order. */
  get lastAt(): number {
    return this.entries.at(-1)?.at ?? Number.NEGATIVE_INFINITY;
  }

  /** The agent's current entry (the status it is on now). */
  current(agentId: string): HistoryEntry | undefined {
    const index = this.latest.get(agentId);
    return index === undefined ? undefined : this.entries[index];
  }

  /** The entry before `entry` for the same agent. */
  previousOf(entry: HistoryEntry): HistoryEntry | undefined {
    return entry.previous >= 0 ? this.entries[entry.previous] : undefined;
  }

  /** The agent's entries, oldest first. */
  forAgent(agentId: string): HistoryEntry[] {
    const out: HistoryEntry[] = [];
    for (let index = this.latest.get(agentId) ?? -1; index >= 0; ) {
      const entry = this.entries[index] as HistoryEntry;
      out.push(entry);
      index = entry.previous;
    }
    return out.reverse();
  }

  /**
   * Every period overlapping `[from, to)` among the first `snapshotLength` entries, in order of selection, with
   * its whole seconds inside the window. A period still running at `cutoff` (the report's completion time) ends
   * there. Lazily yielded, so a report of any size is produced in constant memory.
   */
  *periods(from: number, to: number, snapshotLength: number, cutoff: number): Generator<StatusPeriod> {
    const limit = Math.min(snapshotLength, this.entries.length);
    const upper = Math.min(to, cutoff);
    for (let i = 0; i < limit; i++) {
      const entry = this.entries[i] as HistoryEntry;
      if (entry.at >= upper) break; // sorted by `at`: nothing later can overlap
      const end = Math.min(entry.endAt ?? cutoff, cutoff);
      if (end <= from) continue;
      const seconds = Math.floor((Math.min(end, upper) - Math.max(entry.at, from)) / 1000);
      yield { entry, seconds };
    }
  }
}
