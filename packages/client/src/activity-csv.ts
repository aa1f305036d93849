import { CsvError, parse } from 'csv-parse/sync';
import type { AgentIntelliAssignActivityRow } from './schemas.js';

/** The columns of the `Agent-IntelliAssign-Activity` CSV, in the order Freshchat writes them. */
export const ACTIVITY_COLUMNS = [
  'agent_name',
  'agent_id',
  'activity_type',
  'agent_status',
  'agent_status_in_seconds',
  'created_at',
] as const;

/**
 * A report CSV that cannot be read: malformed CSV, a missing column, or a value of the wrong kind. The message
 * names the row and column.
 */
export class ReportCsvError extends Error {
  override readonly name = 'ReportCsvError';
}

/**
 * Parses any raw report CSV: the header row names the columns, every other row becomes an object of strings.
 *
 * @example
 * parseReportCsv('conversation_id,created_at\nc-1,2020-01-23T12:04:48.868Z\n');
 * // [{ conversation_id: 'c-1', created_at: '2020-01-23T12:04:48.868Z' }]
 */
export function parseReportCsv(text: string): Record<string, string>[] {
  return parseCsv(text, (header) => header);
}

/**
 * Parses the `Agent-IntelliAssign-Activity` CSV into typed rows: `agent_status_in_seconds` becomes a number and
 * `activity_type` is `active` or `inactive`. Header names are matched without regard to case or surrounding
 * spaces (Freshchat's guide shows `Agent_Status`); extra columns are ignored.
 *
 * @throws {ReportCsvError} when the CSV is malformed, a column is missing or a value is out of its domain.
 *
 * @example
 * parseActivityCsv(
 *   'agent_name,agent_id,activity_type,agent_status,agent_status_in_seconds,created_at\n' +
 *     'John Doe,f3d5cc97-0c87-4ae8-b37b-ecf615a851ec,active,Active on IntelliAssign,210,2020-01-23T12:04:48.868Z\n',
 * );
 * // [{ agent_name: 'John Doe', …, agent_status_in_seconds: 210, created_at: '2020-01-23T12:04:48.868Z' }]
 */
export function parseActivityCsv(text: string): AgentIntelliAssignActivityRow[] {
  const records = parseCsv(text, (header) => {
    const names = header.map((name) => name.trim().toLowerCase());
    const missing = ACTIVITY_COLUMNS.filter((column) => !names.includes(column));
    if (missing.length > 0) {
      throw new ReportCsvError(`activity CSV: missing column(s) ${missing.join(', ')} (header: ${header.join(', ')})`);
    }
    return names;
  });
  return records.map((record, index) => toActivityRow(record, index + 1));
}

function toActivityRow(record: Record<string, string>, row: number): AgentIntelliAssignActivityRow {
  const field = (column: (typeof ACTIVITY_COLUMNS)[number]) => record[column] ?? '';
  const activityType = field('activity_type').trim().toLowerCase();
  if (activityType !== 'active' && activityType !== 'inactive') {
    throw new ReportCsvError(
      `activity CSV row ${row}: activity_type must be active or inactive, got ${JSON.stringify(field('activity_type'))}`,
    );
  }
  const seconds = field('agent_status_in_seconds').trim();
  if (!/^\d+(\.\d+)?$/.test(seconds)) {
    throw new ReportCsvError(
      `activity CSV row ${row}: agent_status_in_seconds must be a number of seconds, got ${JSON.stringify(seconds)}`,
    );
  }
  return {
    agent_name: field('agent_name'),
    agent_id: field('agent_id'),
    activity_type: activityType,
    agent_status: field('agent_status'),
    agent_status_in_seconds: Number(seconds),
    created_at: field('created_at'),
  };
}

function parseCsv(text: string, columns: (header: string[]) => string[]): Record<string, string>[] {
  try {
    return parse<Record<string, string>>(text, { columns, bom: true, skip_empty_lines: true });
  } catch (error) {
    if (error instanceof ReportCsvError) throw error;
    if (error instanceof CsvError) throw new ReportCsvError(`report CSV: ${error.message}`, { cause: error });
    throw error;
  }
}
