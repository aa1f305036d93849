import { describe, expect, it } from 'vitest';
import { type FloorStatuses, type SimulatedFloor, simulateFloor } from './simulated-floor.js';

const DAY = 86_400_000;
const NOW = Date.parse('2030-06-15T12:00:00.000Z');
const window = { from: NOW - 21 * DAY, to: NOW };
const status = (id: string, name: string, active = false) => ({ id, name, active });
const statuses = (...custom: string[]): FloorStatuses => ({
  active: status('active', 'Active on IntelliAssign', true),
  unavailable: status('unavailable', 'Unavailable'),
  custom: custom.map((name, i) => status(`custom-${i}`, name)),
});

/** Each agent's changes as [at, status name] pairs. */
function byAgent(floor: SimulatedFloor): [number, string][][] {
  const out: [number, string][][] = floor.agents.map(() => []);
  for (let k = 0; k < floor.length; k++) {
    out[floor.agent[k] as number]?.push([floor.at[k] as number, floor.statuses[floor.status[k] as number]?.name ?? '']);
  }
  return out;
}

describe('simulateFloor', () => {
  it('sorts every change by time; each agent starts at `from`, changes on whole seconds, never to the same status', () => {
    const floor = simulateFloor({ agents: 30, seed: 4 }, window, statuses('Lunch', 'Break'));
    for (let k = 1; k < floor.length; k++) {
      expect(floor.at[k] as number).toBeGreaterThanOrEqual(floor.at[k - 1] as number);
    }
    for (const changes of byAgent(floor)) {
      expect(changes[0]?.[0]).toBe(window.from);
      for (let i = 1; i < changes.length; i++) {
        const [[before, from], [at, to]] = [changes[i - 1], changes[i]] as [[number, string], [number, string]];
        expect(at).toBeGreaterThan(before);
        expect(at).toBeLessThan(window.to);
        expect(at % 1000).toBe(0);
        expect(to).not.toBe(from);
      }
    }
  });

  it('gives an agent the same history whatever the number of agents asked for (10 are the first 10 of 40)', () => {
    const few = simulateFloor({ agents: 10, seed: 9 }, window, statuses('Lunch'));
    const many = simulateFloor({ agents: 40, seed: 9 }, window, statuses('Lunch'));
    expect(many.agents.slice(0, 10)).toEqual(few.agents);
    expect(byAgent(many).slice(0, 10)).toEqual(byAgent(few));
    expect(byAgent(simulateFloor({ agents: 10, seed: 10 }, window, statuses('Lunch')))).not.toEqual(byAgent(few));
  });

  it('casts custom statuses by name, and every custom status gets used', () => {
    const names = ['Dinner', 'Coffee', 'Daily huddle', 'Onboarding', 'Dentist', 'On a call'];
    const floor = simulateFloor({ agents: 30, seed: 2 }, window, statuses(...names));
    const used = new Set(byAgent(floor).flatMap((changes) => changes.map(([, name]) => name)));
    for (const name of names) expect(used).toContain(name);
  });

  it('spends every part on "Unavailable" when the account has no custom status', () => {
    const floor = simulateFloor({ agents: 10, seed: 2 }, window, statuses());
    const used = new Set(byAgent(floor).flatMap((changes) => changes.map(([, name]) => name)));
    expect(used).toEqual(new Set(['Active on IntelliAssign', 'Unavailable']));
  });

  it('mixes day, night and part-time shifts, some OCR-routed, with 5,000 distinct names', () => {
    const floor = simulateFloor({ agents: 5000, seed: 1 }, { from: NOW - DAY, to: NOW }, statuses());
    const count = (pick: (a: SimulatedFloor['agents'][number]) => boolean) => floor.agents.filter(pick).length / 5000;
    expect(count((a) => a.shift === 'day')).toBeCloseTo(0.7, 1);
    expect(count((a) => a.shift === 'night')).toBeCloseTo(0.15, 1);
    expect(count((a) => a.shift === 'part-time')).toBeCloseTo(0.15, 1);
    expect(count((a) => a.routingType === 'OCR')).toBeCloseTo(0.2, 1);
    expect(new Set(floor.agents.map((a) => `${a.firstName} ${a.lastName}`)).size).toBe(5000);
  });
});
