import type { AgentIntelliAssignActivityRow } from '@freshchat-sandbox/client';
import { describe, expect, test } from 'vitest';
import { formatDuration, timePerStatus, timePerStatusTable, toCsv } from './time-per-status.js';

const row = (agent_name: string, agent_status: string, seconds: number): AgentIntelliAssignActivityRow => ({
  agent_name,
  agent_id: `id-${agent_name}`,
  activity_type: agent_status === 'Active on IntelliAssign' ? 'active' : 'inactive',
  agent_status,
  agent_status_in_seconds: seconds,
  created_at: '2026-01-01T00:00:00.000Z',
});

describe('formatDuration', () => {
  test.each([
    [0, '0s'],
    [59, '59s'],
    [65, '1m 05s'],
    [3600, '1h 00m 00s'],
    [90061, '25h 01m 01s'],
    [12.9, '12s'],
  ])('%s seconds → %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe('timePerStatus', () => {
  test('sums the periods per agent and status, across daily sub-reports, built-in statuses first', () => {
    const report = timePerStatus([
      row('Matt Gibson', 'Lunch', 600),
      row('John Doe', 'Meeting', 1200),
      row('John Doe', 'Active on IntelliAssign', 100),
      // the same Meeting period, continued in the next day's sub-report
      row('John Doe', 'Meeting', 300),
      row('Matt Gibson', 'Unavailable', 5),
    ]);
    expect(report.statuses).toEqual(['Active on IntelliAssign', 'Unavailable', 'Lunch', 'Meeting']);
    expect(report.agents.map((agent) => agent.agentName)).toEqual(['John Doe', 'Matt Gibson']);
    expect(report.agents[0]).toMatchObject({
      seconds: { Meeting: 1500, 'Active on IntelliAssign': 100 },
      totalSeconds: 1600,
    });
    expect(timePerStatusTable(report).split('\n')).toEqual([
      'agent        Active on IntelliAssign  Unavailable    Lunch  Meeting    total',
      '-----------  -----------------------  -----------  -------  -------  -------',
      'John Doe                      1m 40s            -        -  25m 00s  26m 40s',
      'Matt Gibson                        -           5s  10m 00s        -  10m 05s',
    ]);
  });
});

test('toCsv quotes what needs quoting', () => {
  expect(
    toCsv(
      ['a', 'b'],
      [
        ['x, y', 'say "hi"'],
        ['plain', 3],
      ],
    ),
  ).toBe('a,b\r\n"x, y","say ""hi"""\r\nplain,3\r\n');
});
