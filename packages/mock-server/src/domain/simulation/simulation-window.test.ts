import { describe, expect, it } from 'vitest';
import { refusal } from '../../testing/refusal.js';
import { simulationWindow } from './simulation-window.js';

const DAY = 86_400_000;
const NOW = Date.parse('2030-06-15T12:00:00.000Z');

describe('simulationWindow', () => {
  it('ends at `until` (now by default) and starts `days` before it', () => {
    expect(simulationWindow({ agents: 1, days: 3, seed: 0 }, NOW)).toEqual({ from: NOW - 3 * DAY, to: NOW });
    const until = '2030-06-01T00:00:00Z';
    expect(simulationWindow({ agents: 1, days: 1, seed: 0, until }, NOW)).toEqual({
      from: Date.parse(until) - DAY,
      to: Date.parse(until),
    });
  });

  it('refuses a leap second, a future `until`, too many agent-days and a start a report cannot reach', () => {
    expect(
      refusal(() => simulationWindow({ agents: 1, days: 1, seed: 0, until: '2030-06-14T23:59:60Z' }, NOW)),
    ).toEqual({
      kind: 'invalid',
      code: 'INVALID_VALUE',
      message: 'until: not a valid date-time',
    });
    expect(
      refusal(() => simulationWindow({ agents: 1, days: 1, seed: 0, until: '2030-06-16T00:00:00Z' }, NOW)).message,
    ).toBe('until: must not be in the future');
    expect(refusal(() => simulationWindow({ agents: 2000, days: 101, seed: 0 }, NOW)).message).toMatch(/^days: /);
    expect(refusal(() => simulationWindow({ agents: 1, days: 458, seed: 0 }, NOW)).message).toBe(
      'days: the history would start before 2029-03-15T12:00:00.000Z, the earliest a report can reach (15 months before now)',
    );
    expect(simulationWindow({ agents: 1, days: 457, seed: 0 }, NOW).from).toBe(NOW - 457 * DAY);
  });
});
