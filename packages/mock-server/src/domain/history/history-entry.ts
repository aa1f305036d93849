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

/** A status as the history keeps it: its id, its name when selected, and whether it counts as active. */
export type StatusRef = { id: string; name: string; active: boolean };

/**
 * Status changes as parallel columns sorted by `at`: change `k` is agent `agent[k]` (a position in the agent list
 * that goes with the columns) selecting `statuses[status[k]]` at `at[k]`.
 */
export type ChangeColumns = {
  readonly statuses: readonly StatusRef[];
  readonly length: number;
  readonly at: Float64Array;
  readonly agent: Int32Array;
  readonly status: Int32Array;
};

/**
 * New agents' whole history, for `StatusHistory.backfill`: the change columns, with the agents' ids and actors by
 * position (`actors[a]` is the actor of agent `a`'s changes).
 */
export type HistoryBatch = ChangeColumns & {
  readonly agentIds: readonly string[];
  readonly actors: readonly Actor[];
};

/**
 * Status changes of existing or new agents, each with its own actor, as columns in clock order: what a snapshot
 * holds in place of one `statusChanged` event per change. Change `k` is agent `agentIds[agent[k]]` selecting
 * `statuses[status[k]]` at `at[k]`, made by `actors[actor[k]]`.
 */
export type StatusChangeRun = ChangeColumns & {
  readonly agentIds: readonly string[];
  readonly actors: readonly Actor[];
  readonly actor: Int32Array;
};
