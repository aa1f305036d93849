import { describe, expect, it } from 'vitest';
import { type Actor, StatusHistory } from './status-history.js';

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

/** Periods as readable tuples: agent, status, seconds. */
function periods(h: StatusHistory, from: number, to: number, cutoff: number) {
  return [...h.periods(from, to, cutoff)].map((p) => [p.entry.agentId, p.entry.statusName, p.seconds]);
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
