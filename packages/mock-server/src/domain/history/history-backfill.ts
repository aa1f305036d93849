import type { AgentPositions } from './history-column.js';

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

/**
 * Copies of the agents' entry positions, renumbered into the merged history, made in steps (the originals stay in
 * use, and may grow, until {@link settlePositions}).
 */
export function* renumberedPositionSteps(
  positions: readonly AgentPositions[],
  renumber: (index: number) => number,
): Generator<void, AgentPositions[]> {
  const copies: AgentPositions[] = [];
  let sinceStep = 0;
  for (const mine of positions) {
    const data = new Int32Array(mine.data.length);
    for (let x = 0; x < mine.length; x++) data[x] = renumber(mine.data[x] as number);
    copies.push({ data, length: mine.length });
    sinceStep += mine.length;
    if (sinceStep >= ENTRIES_PER_STEP) {
      sinceStep = 0;
      yield;
    }
  }
  return copies;
}

/**
 * The merge's last step for the positions: each copy takes the positions its agent gained during the steps and
 * replaces the original, and the agents first seen during the steps (`from` on) are renumbered where they are.
 */
export function settlePositions(
  positions: AgentPositions[],
  copies: AgentPositions[],
  from: number,
  renumber: (index: number) => number,
): void {
  copies.forEach((copy, agent) => {
    const mine = positions[agent] as AgentPositions;
    if (mine.length > copy.length && mine.data.length > copy.data.length) {
      const bigger = new Int32Array(mine.data.length);
      bigger.set(copy.data);
      copy.data = bigger;
    }
    for (let x = copy.length; x < mine.length; x++) copy.data[x] = renumber(mine.data[x] as number);
    copy.length = mine.length;
    positions[agent] = copy;
  });
  for (let agent = from; agent < positions.length; agent++) {
    const mine = positions[agent] as AgentPositions;
    for (let x = 0; x < mine.length; x++) mine.data[x] = renumber(mine.data[x] as number);
  }
}

/**
 * The merged columns with the entries recorded since the merge began (`now`'s `size` to `end`) appended after its
 * `total` entries; a period they closed gets its end in the merged columns too.
 */
export function withLiveChanges(
  merged: HistoryColumns,
  now: HistoryColumns,
  size: number,
  end: number,
  total: number,
  moved: Int32Array,
): HistoryColumns {
  const live = end - size;
  if (live === 0) return merged;
  const needed = total + live;
  const grown =
    merged.at.length >= needed
      ? merged
      : (Object.fromEntries(
          Object.entries(merged).map(([name, column]) => {
            const bigger = new (column.constructor as Float64ArrayConstructor | Int32ArrayConstructor)(
              needed + (needed >> 3),
            );
            bigger.set(column);
            return [name, bigger];
          }),
        ) as HistoryColumns);
  for (let i = size; i < end; i++) {
    const k = total + (i - size);
    grown.at[k] = now.at[i] as number;
    grown.end[k] = now.end[i] as number;
    grown.agentOf[k] = now.agentOf[i] as number;
    grown.statusOf[k] = now.statusOf[i] as number;
    grown.actorOf[k] = now.actorOf[i] as number;
    const p = now.previous[i] as number;
    grown.previous[k] = p < 0 ? -1 : p < size ? (moved[p] as number) : total + (p - size);
    if (p >= 0 && p < size) grown.end[moved[p] as number] = now.end[p] as number;
  }
  return grown;
}
