/**
 * The columns a status history keeps, one slot per entry (see `StatusHistory`): when each entry began and ended
 * (NaN while it runs), the agent's previous entry (−1 for its first), and the agent, status and actor by their
 * interned position.
 */
export type HistoryColumns = {
  readonly at: Float64Array<ArrayBuffer>;
  readonly end: Float64Array<ArrayBuffer>;
  readonly previous: Int32Array<ArrayBuffer>;
  readonly agentOf: Int32Array<ArrayBuffer>;
  readonly statusOf: Int32Array<ArrayBuffer>;
  readonly actorOf: Int32Array<ArrayBuffer>;
};

/** Entries merged (or checked) between two steps of a backfill. */
export const ENTRIES_PER_STEP = 100_000;

/** Where the merge put things: the new columns, each old entry's new position, each new agent's entry count. */
type MergedHistory = { columns: HistoryColumns; moved: Int32Array; filled: Int32Array };

/**
 * Merges new agents' whole history into a history's first `size` entries, in clock order (an old entry before a
 * new one at the same time). `batch` is sorted by `at` and names agents and statuses by position in its lists;
 * `agentMap`, `statusMap` and `actorMap` (actor per batch agent) turn those into the history's interned positions.
 * Each new agent's entry positions are written into `slots[a]`, which must hold all of them. Cost: one pass over
 * the old and the new entries; the old columns are only read, so cursors already open keep their snapshot. In
 * steps: a slice of the merge per `next()`, the merged history returned by the last.
 *
 * @example
 * const { columns, moved, filled } = yield* mergeBackfillSteps(old, size, batch, maps, slots);
 */
export function* mergeBackfillSteps(
  old: HistoryColumns,
  size: number,
  batch: {
    readonly length: number;
    readonly at: Float64Array;
    readonly agent: Int32Array;
    readonly status: Int32Array;
  },
  maps: { agentMap: Int32Array; statusMap: Int32Array; actorMap: Int32Array },
  slots: Int32Array[],
): Generator<void, MergedHistory> {
  const n = size;
  const total = n + batch.length;
  const capacity = Math.max(1024, total + (total >> 3));
  // Locals only in the loop below: it runs once per entry, old and new.
  const oldAt = old.at;
  const oldEnd = old.end;
  const oldPrev = old.previous;
  const oldAgent = old.agentOf;
  const oldStatus = old.statusOf;
  const oldActor = old.actorOf;
  const { at: newAt, agent: newAgent, status: newStatus, length: m } = batch;
  const { agentMap, statusMap, actorMap } = maps;
  const filled = new Int32Array(slots.length);
  const at = new Float64Array(capacity);
  const end = new Float64Array(capacity);
  const prev = new Int32Array(capacity);
  const agentOf = new Int32Array(capacity);
  const statusOf = new Int32Array(capacity);
  const actorOf = new Int32Array(capacity);
  const moved = new Int32Array(n);
  const lastOf = new Int32Array(slots.length).fill(-1);
  // The new columns are made in a step of their own.
  yield;
  let i = 0;
  let j = 0;
  for (let k = 0; k < total; k++) {
    if (k % ENTRIES_PER_STEP === ENTRIES_PER_STEP - 1) yield;
    if (j >= m || (i < n && (oldAt[i] as number) <= (newAt[j] as number))) {
      moved[i] = k;
      at[k] = oldAt[i] as number;
      end[k] = oldEnd[i] as number;
      const p = oldPrev[i] as number;
      prev[k] = p >= 0 ? (moved[p] as number) : -1;
      agentOf[k] = oldAgent[i] as number;
      statusOf[k] = oldStatus[i] as number;
      actorOf[k] = oldActor[i] as number;
      i++;
    } else {
      const a = newAgent[j] as number;
      const t = newAt[j] as number;
      const p = lastOf[a] as number;
      at[k] = t;
      end[k] = Number.NaN;
      prev[k] = p;
      if (p >= 0) end[p] = t;
      lastOf[a] = k;
      agentOf[k] = agentMap[a] as number;
      statusOf[k] = statusMap[newStatus[j] as number] as number;
      actorOf[k] = actorMap[a] as number;
      (slots[a] as Int32Array)[(filled[a] as number)++] = k;
      j++;
    }
  }
  // A step between the merge and its last one, which carries in the changes recorded meanwhile.
  yield;
  return { columns: { at, end, previous: prev, agentOf, statusOf, actorOf }, moved, filled };
}
