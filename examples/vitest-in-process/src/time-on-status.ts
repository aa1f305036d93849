import {
  downloadReport,
  type FetchLike,
  type FreshchatClient,
  requestReport,
  type Sleep,
  waitForReport,
} from '@freshchat-sandbox/client';

/** Where the report's time window lies, in the document's form (`2030-01-01T00:00:00Z`). */
export type ReportWindow = { start: string; end: string };

/**
 * The application code under test: how many seconds each agent spent on each status in a window, from Freshchat's
 * agent activity report. It only knows a Freshchat client; the test hands it one that talks to the sandbox.
 *
 * @example
 * const seconds = await secondsOnStatus(client, { start, end });
 * seconds.get('John Doe')?.get('Meeting'); // 2700
 */
export async function secondsOnStatus(
  client: FreshchatClient,
  window: ReportWindow,
  options: { sleep?: Sleep; fetch?: FetchLike } = {},
): Promise<Map<string, Map<string, number>>> {
  const event = 'Agent-IntelliAssign-Activity';
  const { id } = await requestReport(client, { ...window, event, format: 'csv' });
  const report = await waitForReport(client, id, options.sleep ? { sleep: options.sleep } : {});
  const { rows } = await downloadReport(report, { event, ...(options.fetch && { fetch: options.fetch }) });
  const byAgent = new Map<string, Map<string, number>>();
  for (const row of rows) {
    const byStatus = byAgent.get(row.agent_name) ?? new Map<string, number>();
    byStatus.set(row.agent_status, (byStatus.get(row.agent_status) ?? 0) + row.agent_status_in_seconds);
    byAgent.set(row.agent_name, byStatus);
  }
  return byAgent;
}
