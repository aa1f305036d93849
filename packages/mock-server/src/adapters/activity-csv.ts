import { ACTIVITY_COLUMNS, type ActivityRows } from '../domain/reports/report-content.js';

/** One CSV field as RFC 4180 writes it: quoted, with quotes doubled, when it holds a comma, quote or line break. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * The CSV file of one agent-activity sub-report, line by line (each with its line break), the header first; no
 * lines at all when there are no rows to write (another event's empty file).
 *
 * @example
 * const lines = activityCsvLines(reportPartRows(account.history, job, part, nameOf));
 */
export function* activityCsvLines(rows: ActivityRows | undefined): Generator<string> {
  if (rows === undefined) return;
  yield `${ACTIVITY_COLUMNS.map(csvField).join(',')}\n`;
  // Lines are written directly, one template each; per agent and per status the leading fields never change, so
  // they are escaped once.
  const agentPrefix = new Map<string, string>();
  const statusPart = new Map<number, string>();
  while (rows.next()) {
    const agentId = rows.agentId();
    let prefix = agentPrefix.get(agentId);
    if (prefix === undefined) {
      prefix = `${csvField(rows.agentName())},${csvField(agentId)},`;
      agentPrefix.set(agentId, prefix);
    }
    const status = rows.statusKey();
    let part = statusPart.get(status);
    if (part === undefined) {
      part = `${rows.activityType()},${csvField(rows.statusName())},`;
      statusPart.set(status, part);
    }
    yield `${prefix}${part}${rows.seconds()},${new Date(rows.createdAt()).toISOString()}\n`;
  }
}
