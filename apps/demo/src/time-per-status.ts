import type { AgentIntelliAssignActivityRow } from '@freshchat-sandbox/client';

/** The two statuses every account has; shown first, in this order, wherever statuses are listed. */
export const BUILT_IN_STATUS_NAMES = ['Active on IntelliAssign', 'Unavailable'] as const;

/** One agent's line of the report: seconds spent in each status over the report's window. */
type AgentTimePerStatus = {
  agentId: string;
  agentName: string;
  /** Seconds per status name; a status the agent never was on is absent. */
  seconds: Record<string, number>;
  totalSeconds: number;
};

/** Time per status per agent, summed from an `Agent-IntelliAssign-Activity` report. */
export type TimePerStatus = {
  /** Every status that appears in the report: the built-in ones first, then the custom ones by name. */
  statuses: string[];
  /** One line per agent, ordered by name. */
  agents: AgentTimePerStatus[];
};

/**
 * Sums `agent_status_in_seconds` per agent and status. A period that crosses midnight UTC comes as one row per
 * daily sub-report; they add up here.
 *
 * @example
 * const { rows } = await downloadReport(report, { event: 'Agent-IntelliAssign-Activity' });
 * const { statuses, agents } = timePerStatus(rows);
 */
export function timePerStatus(rows: readonly AgentIntelliAssignActivityRow[]): TimePerStatus {
  const byAgent = new Map<string, AgentTimePerStatus>();
  const statuses = new Set<string>();
  for (const row of rows) {
    let agent = byAgent.get(row.agent_id);
    if (!agent) {
      agent = { agentId: row.agent_id, agentName: row.agent_name || row.agent_id, seconds: {}, totalSeconds: 0 };
      byAgent.set(row.agent_id, agent);
    }
    agent.seconds[row.agent_status] = (agent.seconds[row.agent_status] ?? 0) + row.agent_status_in_seconds;
    agent.totalSeconds += row.agent_status_in_seconds;
    statuses.add(row.agent_status);
  }
  return {
    statuses: orderStatuses(statuses),
    agents: [...byAgent.values()].sort((a, b) => a.agentName.localeCompare(b.agentName)),
  };
}

/** Built-in statuses first (in their usual order), then the others alphabetically. */
function orderStatuses(names: Iterable<string>): string[] {
  const rank = (name: string) => {
    const index = (BUILT_IN_STATUS_NAMES as readonly string[]).indexOf(name);
    return index === -1 ? BUILT_IN_STATUS_NAMES.length : index;
  };
  return [...new Set(names)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/**
 * Whole seconds as hours, minutes and seconds, leaving out leading zero units.
 *
 * @example
 * formatDuration(3725); // '1h 02m 05s'
 * formatDuration(65); // '1m 05s'
 * formatDuration(7); // '7s'
 */
export function formatDuration(totalSeconds: number): string {
  const whole = Math.max(0, Math.floor(totalSeconds));
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const seconds = whole % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  if (hours > 0) return `${hours}h ${two(minutes)}m ${two(seconds)}s`;
  if (minutes > 0) return `${minutes}m ${two(seconds)}s`;
  return `${seconds}s`;
}

/**
 * A plain-text table with a header line and a rule, columns padded to their widest cell; the first column is
 * left-aligned and the others right-aligned (they hold durations).
 *
 * @example
 * console.log(textTable(['agent', 'Meeting'], [['John Doe', '25m 00s']]));
 */
function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/**
 * The report as a text table: one line per agent, one column per status, and a total.
 *
 * @example
 * console.log(timePerStatusTable(timePerStatus(rows)));
 */
export function timePerStatusTable(report: TimePerStatus): string {
  const header = ['agent', ...report.statuses, 'total'];
  const rows = report.agents.map((agent) => [
    agent.agentName,
    ...report.statuses.map((status) => {
      const seconds = agent.seconds[status];
      return seconds === undefined ? '-' : formatDuration(seconds);
    }),
    formatDuration(agent.totalSeconds),
  ]);
  return textTable(header, rows);
}

/**
 * Rows as CSV text (RFC 4180 quoting), header first.
 *
 * @example
 * toCsv(['agent', 'seconds'], [['John Doe', 1500]]); // 'agent,seconds\r\nJohn Doe,1500\r\n'
 */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cell = (value: string | number) => {
    const text = String(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [header, ...rows].map((row) => `${row.map(cell).join(',')}\r\n`).join('');
}
