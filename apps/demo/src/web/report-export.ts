import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import {
  ACTIVITY_COLUMNS,
  type AgentIntelliAssignActivityRow,
  downloadReport,
  type FreshchatClient,
  requestReport,
  waitForReport,
} from '@freshchat-sandbox/client';
import { type TimePerStatus, timePerStatus, toCsv } from '../time-per-status.js';

const EVENT = 'Agent-IntelliAssign-Activity';

/** Where an export stands: the steps it goes through, in order, then how it ended. */
type ExportPhase = 'requesting' | 'rate-limited' | 'pending' | 'downloading' | 'completed' | 'failed';

/** An export as the page sees it. */
export type ReportExport = {
  /** The export's own id (the Freshchat report id is only known once the request is accepted). */
  id: string;
  start: string;
  end: string;
  phase: ExportPhase;
  /** The Freshchat report job's id, once accepted. */
  reportId: string | null;
  /** The job's status at the last poll. */
  reportStatus: string | null;
  polls: number;
  message: string;
  /** The summed report, once completed. */
  result: (TimePerStatus & { rows: number; parts: number; interval: string }) | null;
};

/** Options of {@link ReportExports}. */
export type ReportExportsOptions = {
  freshchat: FreshchatClient;
  /** Time between polls, in real ms: short against a sandbox (the clock control completes a report at once). */
  pollIntervalMs: number;
  /** Told about every change of every export. */
  onChange: (exported: ReportExport) => void;
};

/**
 * Runs report exports: request (waiting out the one-per-minute limit), poll until COMPLETED, download the CSVs and
 * sum the time per status per agent. Each change is reported through `onChange`; the downloaded rows are kept for
 * the CSV downloads.
 *
 * @example
 * const exports = new ReportExports({ freshchat, pollIntervalMs: 1000, onChange: (e) => broadcast('report', e) });
 * const started = exports.start({ start, end });
 */
export class ReportExports {
  private readonly exports = new Map<string, { view: ReportExport; rows: AgentIntelliAssignActivityRow[] }>();
  private readonly abort = new AbortController();
  private readonly rateLimitWaiters = new Set<() => void>();

  constructor(private readonly options: ReportExportsOptions) {}

  /** Starts an export of `[start, end)`; it runs in the background. */
  start(window: { start: string; end: string }): ReportExport {
    const view: ReportExport = {
      id: randomUUID(),
      start: window.start,
      end: window.end,
      phase: 'requesting',
      reportId: null,
      reportStatus: null,
      polls: 0,
      message: 'requesting the report (POST /reports/raw)',
      result: null,
    };
    const entry = { view, rows: [] as AgentIntelliAssignActivityRow[] };
    this.exports.set(view.id, entry);
    // Only the last few exports are kept.
    for (const id of [...this.exports.keys()].slice(0, -10)) this.exports.delete(id);
    void this.run(entry);
    return { ...view };
  }

  get(id: string): ReportExport | undefined {
    const entry = this.exports.get(id);
    return entry && { ...entry.view };
  }

  /** The report's rows as the activity CSV (every sub-report's rows under one header). */
  activityCsv(id: string): string | undefined {
    const entry = this.exports.get(id);
    if (!entry?.view.result) return undefined;
    return toCsv(
      ACTIVITY_COLUMNS,
      entry.rows.map((row) => ACTIVITY_COLUMNS.map((column) => row[column])),
    );
  }

  /** The summary as CSV: one line per agent, seconds per status. */
  summaryCsv(id: string): string | undefined {
    const result = this.exports.get(id)?.view.result;
    if (!result) return undefined;
    return toCsv(
      ['agent_name', 'agent_id', ...result.statuses.map((status) => `${status} (s)`), 'total (s)'],
      result.agents.map((agent) => [
        agent.agentName,
        agent.agentId,
        ...result.statuses.map((status) => agent.seconds[status] ?? 0),
        agent.totalSeconds,
      ]),
    );
  }

  /** Ends a rate-limit wait early: the sandbox's clock has moved past the window. */
  clockMoved(): void {
    for (const wake of this.rateLimitWaiters) wake();
  }

  /** Stops every export under way. */
  stop(): void {
    this.abort.abort(new Error('the demo server is stopping'));
  }

  private async run(entry: { view: ReportExport; rows: AgentIntelliAssignActivityRow[] }): Promise<void> {
    const { view } = entry;
    const { freshchat, pollIntervalMs, onChange } = this.options;
    const signal = this.abort.signal;
    const update = (changes: Partial<ReportExport>) => {
      Object.assign(view, changes);
      onChange({ ...view });
    };
    try {
      onChange({ ...view });
      const accepted = await requestReport(
        freshchat,
        { start: view.start, end: view.end, event: EVENT, format: 'csv' },
        {
          signal,
          sleep: async (ms) => {
            update({
              phase: 'rate-limited',
              message: `one report per minute: retrying in ${Math.ceil(ms / 1000)} s`,
            });
            await this.rateLimitWait(ms, signal);
            update({ phase: 'requesting', message: 'requesting the report again' });
          },
        },
      );
      update({ phase: 'pending', reportId: accepted.id, message: `report ${accepted.id} accepted` });
      const report = await waitForReport(freshchat, accepted.id, {
        intervalMs: pollIntervalMs,
        signal,
        onProgress: (polled, attempt) =>
          update({ reportStatus: polled.status, polls: attempt, message: `poll ${attempt}: ${polled.status}` }),
      });
      update({ phase: 'downloading', message: `downloading ${report.links.length} sub-report(s)` });
      const downloaded = await downloadReport(report, { event: EVENT, signal });
      entry.rows = downloaded.rows;
      update({
        phase: 'completed',
        message: `${downloaded.rows.length} rows in ${downloaded.parts.length} CSV file(s)`,
        result: {
          ...timePerStatus(downloaded.rows),
          rows: downloaded.rows.length,
          parts: downloaded.parts.length,
          interval: report.interval,
        },
      });
    } catch (error) {
      if (signal.aborted) return;
      update({ phase: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  }

  private async rateLimitWait(ms: number, signal: AbortSignal): Promise<void> {
    const woken = new AbortController();
    const wake = () => woken.abort();
    this.rateLimitWaiters.add(wake);
    try {
      await delay(ms, undefined, { signal: AbortSignal.any([signal, woken.signal]) });
    } catch (error) {
      if (!woken.signal.aborted) throw error;
    } finally {
      this.rateLimitWaiters.delete(wake);
    }
  }
}
