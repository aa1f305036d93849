import { describe, expect, it } from 'vitest';
import type { Actor } from './history-entry.js';
import { StatusHistory } from './status-history.js';

const admin: Actor = { type: 'admin', id: 'admin-1' };
const T = 1_000_000_000_000;
const s = (seconds: number) => T + seconds * 1000;

function history() {
  const h = new StatusHistory();
  const put = (agentId: string, statusName: string, at: number) =>
    h.record({
      agentId,
      statusId: statusName.toLowerCase(),
      statusName,
      active: statusName === 'Active',
      at,
      actor: admin,
    });
  put('a', 'Active', s(0));
  put('b', 'Active', s(0));
  put('a', 'Meeting', s(100));
  put('b', 'Lunch', s(150.5));
  put('a', 'Active', s(190));
  return { h, put };
}

/** Periods as readable tuples: agent, status, seconds (read through the report's cursor). */
function periods(h: StatusHistory, from: number, to: number, cutoff: number) {
  const rows: [string, string, number][] = [];
  const cursor = h.cursor(from, to, cutoff);
  while (cursor.next()) {
    const entry = h.entry(cursor.index);
    rows.push([entry.agentId, entry.statusName, cursor.seconds]);
  }
  return rows;
}

describe('StatusHistory', () => {
  it("keeps each agent's entries, closes the previous period at the next change, and knows the current one", () => {
    const { h } = history();
    expect(h.length).toBe(5);
    expect(h.forAgent('a').map((e) => [e.statusName, e.at, e.endAt])).toEqual([
      ['Active', s(0), s(100)],
      ['Meeting', s(100), s(190)],
      ['Active', s(190), undefined],
    ]);
    expect(h.current('b')?.statusName).toBe('Lunch');
    expect(h.current('nobody')).toBeUndefined();
    expect(h.forAgent('nobody')).toEqual([]);
    const [first, second] = h.forAgent('a');
    expect(h.previousOf(second as never)).toEqual(first);
    expect(h.previousOf(first as never)).toBeUndefined();
    expect(h.forAgent('a')[1]?.actor).toEqual(admin);
    expect(h.lastAt).toBe(s(190));
  });

  it('refuses an entry earlier than the last one, and accepts one at the same time', () => {
    const { put } = history();
    expect(() => put('b', 'Break', s(189.999))).toThrow(RangeError);
    expect(() => put('b', 'Break', s(190))).not.toThrow();
  });

  it('yields every period overlapping the window, in order of selection, with whole seconds inside it', () => {
    const { h } = history();
    expect(periods(h, s(0), s(3600), s(250))).toEqual([
      ['a', 'Active', 100],
      ['b', 'Active', 150],
      ['a', 'Meeting', 90],
      ['b', 'Lunch', 99], // 150.5 → 250: 99.5 s, floored
      ['a', 'Active', 60],
    ]);
  });

  it('clips periods to the window and leaves out those outside it', () => {
    const { h } = history();
    expect(periods(h, s(120), s(200), s(250))).toEqual([
      ['b', 'Active', 30],
      ['a', 'Meeting', 70],
      ['b', 'Lunch', 49],
      ['a', 'Active', 10],
    ]);
    expect(periods(h, s(100), s(150.5), s(250))).toEqual([
      ['b', 'Active', 50],
      ['a', 'Meeting', 50],
    ]);
  });

  it('ends the periods still running at the cutoff, and ignores what was recorded after it', () => {
    const { h, put } = history();
    put('a', 'Break', s(300));
    expect(periods(h, s(0), s(3600), s(200))).toEqual([
      ['a', 'Active', 100],
      ['b', 'Active', 150],
      ['a', 'Meeting', 90],
      ['b', 'Lunch', 49],
      ['a', 'Active', 10],
    ]);
  });

  it('starts periods that began before the window at its start, for every agent', () => {
    const { h, put } = history();
    put('c', 'Break', s(195));
    expect(periods(h, s(200), s(260), s(250))).toEqual([
      ['b', 'Lunch', 50],
      ['a', 'Active', 50],
      ['c', 'Break', 50],
    ]);
  });

  it('yields nothing for a window after the cutoff or before the first entry', () => {
    const { h } = history();
    expect(periods(h, s(300), s(400), s(250))).toEqual([]);
    expect(periods(h, s(-100), s(0), s(250))).toEqual([]);
  });

  it('yields a period that overlaps the window by less than a second, with 0 seconds', () => {
    const { h } = history();
    expect(periods(h, s(189.5), s(190.2), s(250))).toEqual([
      ['a', 'Meeting', 0],
      ['b', 'Lunch', 0],
      ['a', 'Active', 0],
    ]);
  });
});

describe('StatusHistory.backfill', () => {
  const statuses = [
    { id: 'active', name: 'Active', active: true },
    { id: 'lunch', name: 'Lunch', active: false },
  ];
  type Change = [agent: string, status: 0 | 1, at: number];
  /** Records one change as it happens. */
  function record(h: StatusHistory, [agentId, status, at]: Change): void {
    const ref = statuses[status] as (typeof statuses)[number];
    h.record({ agentId, statusId: ref.id, statusName: ref.name, active: ref.active, at, actor: admin });
  }
  /** The same changes recorded one by one in clock order, as if they had happened live. */
  function live(changes: Change[]): StatusHistory {
    const h = new StatusHistory();
    for (const change of [...changes].sort((x, y) => x[2] - y[2])) record(h, change);
    return h;
  }
  const existing: Change[] = [
    ['a', 0, s(0)],
    ['a', 1, s(50)],
    ['b', 0, s(120)],
    ['a', 0, s(300)],
  ];
  const backfilled: Change[] = [
    ['n1', 1, s(-100)],
    ['n2', 0, s(-40)],
    ['n1', 0, s(50)],
    ['n2', 1, s(200)],
    ['n1', 1, s(400)],
  ];
  /** The backfilled changes as a batch. */
  function backfilledBatch() {
    const ids = ['n1', 'n2'];
    return {
      agentIds: ids,
      actors: [admin, admin],
      statuses,
      length: backfilled.length,
      at: Float64Array.from(backfilled, (c) => c[2]),
      agent: Int32Array.from(backfilled, (c) => ids.indexOf(c[0])),
      status: Int32Array.from(backfilled, (c) => c[1]),
    };
  }
  function merged(recordedAt: number) {
    const h = live(existing);
    h.backfill(backfilledBatch(), recordedAt);
    return h;
  }
  const view = (h: StatusHistory, agent: string) =>
    h.forAgent(agent).map((e) => [e.statusName, e.at, e.endAt, e.previous >= 0 ? h.entry(e.previous).at : null]);

  it('merges new agents into clock order: every agent reads as if its changes had been recorded live', () => {
    const h = merged(s(500));
    const expected = live([...existing, ...backfilled]);

    expect(h.length).toBe(9);
    for (const agent of ['a', 'b', 'n1', 'n2']) expect(view(h, agent)).toEqual(view(expected, agent));
    expect(Array.from({ length: h.length }, (_, i) => h.entry(i).at)).toEqual(
      [...existing, ...backfilled].map((c) => c[2]).sort((x, y) => x - y),
    );
    expect(periods(h, s(-200), s(600), s(600))).toEqual(periods(expected, s(-200), s(600), s(600)));
    expect(periods(h, s(60), s(250), s(600))).toEqual(periods(expected, s(60), s(250), s(600)));
  });

  it('keeps live changes working after a backfill', () => {
    const h = merged(s(500));
    h.record({ agentId: 'n2', statusId: 'active', statusName: 'Active', active: true, at: s(600), actor: admin });
    expect(view(h, 'n2').at(-2)).toEqual(['Lunch', s(200), s(600), s(-40)]);
    expect(h.current('n2')?.at).toBe(s(600));
  });

  it('leaves the backfilled agents out of a report that completed before they were recorded', () => {
    const h = merged(s(500));
    const agentsIn = (cutoff: number) => new Set(periods(h, s(-200), s(450), cutoff).map((p) => p[0]));
    expect(agentsIn(s(450))).toEqual(new Set(['a', 'b']));
    expect(agentsIn(s(500))).toEqual(new Set(['a', 'b', 'n1', 'n2']));
  });

  it('keeps a cursor opened before the backfill on the history it started with', () => {
    const h = live(existing);
    const cursor = h.cursor(s(0), s(400), s(400));
    expect(cursor.next()).toBe(true);
    const first = [cursor.agentId(), cursor.status().name, cursor.seconds];
    const h2 = h;
    h2.backfill(
      {
        agentIds: ['n1'],
        actors: [admin],
        statuses,
        length: 2,
        at: Float64Array.of(s(-10), s(10)),
        agent: Int32Array.of(0, 0),
        status: Int32Array.of(1, 0),
      },
      s(400),
    );
    const rest: unknown[] = [];
    while (cursor.next()) rest.push([cursor.agentId(), cursor.status().name, cursor.seconds]);
    expect(first).toEqual(['a', 'Active', 50]);
    expect(rest).toEqual([
      ['a', 'Lunch', 250],
      ['b', 'Active', 280],
      ['a', 'Active', 100],
    ]);
  });

  it('carries changes recorded between the steps of a backfill, new agents and old, into the merged history', () => {
    // Later than the whole batch, as live changes are: the result is that of backfilling first and recording after.
    const during: Change[] = [
      ['c', 0, s(410)],
      ['a', 1, s(420)],
      ['c', 1, s(430)],
      ['a', 0, s(440)],
      // After the merge has copied the columns: it closes an entry the copy holds open.
      ['b', 1, s(450)],
    ];
    const stepped = live(existing);
    // Two changes after each of the first steps, the rest after the third (the merge's last step comes next).
    let next = 0;
    let step = 0;
    for (const _ of stepped.backfillSteps(backfilledBatch(), s(500))) {
      expect(stepped.backfilling).toBe(true);
      const upTo = ++step < 3 ? next + 2 : during.length;
      while (next < upTo && next < during.length) record(stepped, during[next++] as Change);
    }
    expect(next).toBe(during.length);
    expect(stepped.backfilling).toBe(false);
    const expected = merged(s(500));
    for (const change of during) record(expected, change);

    expect(stepped.length).toBe(expected.length);
    for (let i = 0; i < expected.length; i++) expect(stepped.entry(i)).toEqual(expected.entry(i));
    for (const agent of ['a', 'b', 'c', 'n1', 'n2']) expect(view(stepped, agent)).toEqual(view(expected, agent));
    expect(periods(stepped, s(-200), s(600), s(600))).toEqual(periods(expected, s(-200), s(600), s(600)));
  });

  it('refuses an agent that already has history, and an unsorted batch', () => {
    const h = live(existing);
    const batch = (agentIds: string[], at: number[]) => ({
      agentIds,
      actors: [admin],
      statuses,
      length: at.length,
      at: Float64Array.from(at),
      agent: new Int32Array(at.length),
      status: new Int32Array(at.length),
    });
    expect(() => h.backfill(batch(['a'], [s(0)]), s(500))).toThrow(RangeError);
    expect(() => h.backfill(batch(['z'], [s(10), s(5)]), s(500))).toThrow(RangeError);
    expect(h.length).toBe(4);
  });
});

describe('StatusHistory.append', () => {
  it('appends a run of changes exactly as recording them one by one would, after what was recorded before', () => {
    const agent: Actor = { type: 'agent', id: 'b' };
    const { h: recorded, put } = history();
    recorded.record({ agentId: 'c', statusId: 'lunch', statusName: 'Lunch', active: false, at: s(200), actor: agent });
    put('b', 'Active', s(200));
    put('a', 'Lunch', s(300));
    const { h: appended } = history();
    appended.append({
      length: 3,
      agentIds: ['c', 'b', 'a'],
      statuses: [
        { id: 'lunch', name: 'Lunch', active: false },
        { id: 'active', name: 'Active', active: true },
      ],
      actors: [agent, admin],
      at: Float64Array.of(s(200), s(200), s(300)),
      agent: Int32Array.of(0, 1, 2),
      status: Int32Array.of(0, 1, 0),
      actor: Int32Array.of(0, 1, 1),
    });
    expect(appended.length).toBe(recorded.length);
    for (let i = 0; i < recorded.length; i++) expect(appended.entry(i)).toEqual(recorded.entry(i));
    for (const id of ['a', 'b', 'c']) expect(appended.forAgent(id)).toEqual(recorded.forAgent(id));
    expect(periods(appended, s(0), s(3600), s(400))).toEqual(periods(recorded, s(0), s(3600), s(400)));
    // Live changes go on after it.
    put('c', 'Active', s(400));
    appended.record({ agentId: 'c', statusId: 'active', statusName: 'Active', active: true, at: s(400), actor: admin });
    expect(appended.current('c')).toEqual(recorded.current('c'));
  });

  it('refuses a run that goes back in time', () => {
    const { h } = history();
    const run = (at: number) => ({
      length: 1,
      agentIds: ['a'],
      statuses: [{ id: 'lunch', name: 'Lunch', active: false }],
      actors: [admin],
      at: Float64Array.of(at),
      agent: Int32Array.of(0),
      status: Int32Array.of(0),
      actor: Int32Array.of(0),
    });
    expect(() => h.append(run(s(10)))).toThrow('history entries must be recorded in clock order');
    h.append(run(s(190)));
    expect(h.current('a')?.statusName).toBe('Lunch');
  });
});
