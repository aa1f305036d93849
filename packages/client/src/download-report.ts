import { unzipSync } from 'fflate';
import { abortable } from './abortable.js';
import { parseActivityCsv, parseReportCsv } from './activity-csv.js';
import type { FetchLike } from './freshchat-client.js';
import type {
  AgentActivityEvent,
  AgentIntelliAssignActivityRow,
  RawReport,
  ReportEvent,
  ReportPart,
} from './schemas.js';

/** Options of {@link downloadReport}. */
export interface DownloadReportOptions {
  /**
   * The event the report was requested for. The job does not say it, so pass it to get typed rows for
   * `Agent-IntelliAssign-Activity`; without it every row is an object of strings.
   */
  event?: ReportEvent;
  /** Fetches the download links instead of `globalThis.fetch`; it receives a `Request` for the absolute URL. */
  fetch?: FetchLike;
  /** Stops the downloads and rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** One downloaded sub-report: the `[from, to)` window it covers and its rows. */
export interface DownloadedReportPart<Row> {
  /** Start of the sub-report, in UTC. */
  from: string;
  /** End of the sub-report, in UTC. */
  to: string;
  /** The CSV's rows, in file order. */
  rows: Row[];
}

/** A downloaded report: every sub-report, and all their rows in order. */
export interface DownloadedReport<Row> {
  /** The sub-reports, in the order of the report's `links`. */
  parts: DownloadedReportPart<Row>[];
  /** Every part's rows, one part after the other. */
  rows: Row[];
}

/**
 * A sub-report that could not be downloaded or unpacked. For an error answer of the storage service, `status`
 * holds its HTTP status and `code` the S3-style `<Code>` (such as `AccessDenied` for an expired link).
 */
export class ReportDownloadError extends Error {
  override readonly name = 'ReportDownloadError';
  /** The link, without its query string (which holds the signature). */
  readonly url: string | undefined;
  /** The storage service's HTTP status, for an error answer. */
  readonly status: number | undefined;
  /** The storage service's error code, when its answer carried one. */
  readonly code: string | undefined;

  constructor(message: string, details: { url?: string; status?: number; code?: string; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.url = details.url;
    this.status = details.status;
    this.code = details.code;
  }
}

/**
 * Downloads a completed report: fetches every sub-report's pre-signed link, in order (a report may have one
 * sub-report or many: every link is read), unzips the one CSV each holds and parses it. It never sends an
 * `Authorization` header: the storage service refuses one beside a link's signature (400 `InvalidArgument`), so
 * do not pass a `fetch` that adds your API token. Pass the report's `event` to get typed agent-activity rows.
 *
 * @throws {ReportDownloadError} when the report is not `COMPLETED`, a link answers an error (such as `403` for an
 *   expired link), or a zip does not hold exactly one CSV.
 * @throws {ReportCsvError} when a CSV cannot be parsed.
 *
 * @example
 * const report = await waitForReport(freshchat, id);
 * const { rows } = await downloadReport(report, { event: 'Agent-IntelliAssign-Activity' });
 * const seconds = rows.reduce((sum, row) => sum + row.agent_status_in_seconds, 0);
 *
 * @example
 * // In-process against the sandbox
 * const { parts } = await downloadReport(report, {
 *   event: 'Agent-IntelliAssign-Activity',
 *   fetch: (req) => mock.app.fetch(req),
 * });
 */
export function downloadReport(
  report: RawReport,
  options: DownloadReportOptions & { event: AgentActivityEvent },
): Promise<DownloadedReport<AgentIntelliAssignActivityRow>>;
export function downloadReport(
  report: RawReport,
  options?: DownloadReportOptions & { event?: Exclude<ReportEvent, AgentActivityEvent> },
): Promise<DownloadedReport<Record<string, string>>>;
export function downloadReport(
  report: RawReport,
  options?: DownloadReportOptions,
): Promise<DownloadedReport<AgentIntelliAssignActivityRow | Record<string, string>>>;
export async function downloadReport(
  report: RawReport,
  options: DownloadReportOptions = {},
): Promise<DownloadedReport<AgentIntelliAssignActivityRow | Record<string, string>>> {
  const { event, fetch = globalThis.fetch, signal } = options;
  if (report.status !== 'COMPLETED') {
    throw new ReportDownloadError(
      `report ${report.id} is ${report.status}; only a COMPLETED report can be downloaded (see waitForReport)`,
    );
  }
  const parseRows = isAgentActivity(event) ? parseActivityCsv : parseReportCsv;
  const parts: DownloadedReportPart<AgentIntelliAssignActivityRow | Record<string, string>>[] = [];
  // One part after the other: a report has at most a month of daily parts, and order matters for `rows`.
  for (const part of report.links) {
    const csv = await downloadPartCsv(part, fetch, signal);
    parts.push({ from: part.from, to: part.to, rows: parseRows(csv) });
  }
  return { parts, rows: parts.flatMap((part) => part.rows) };
}

function isAgentActivity(event: ReportEvent | undefined): event is AgentActivityEvent {
  return event === 'Agent-IntelliAssign-Activity' || event === 'Agent-Intelliassign-Activity';
}

async function downloadPartCsv(part: ReportPart, fetch: FetchLike, signal: AbortSignal | undefined): Promise<string> {
  const where = `sub-report ${part.from} – ${part.to}`;
  if (part.status !== 'COMPLETED' && part.status !== 'SUCCESS') {
    throw new ReportDownloadError(`${where} is ${part.status}, not ready to download`);
  }
  if (!part.link) throw new ReportDownloadError(`${where} is ${part.status} but has no download link`);
  const { href } = part.link;
  let url: URL;
  try {
    url = new URL(href);
  } catch (error) {
    throw new ReportDownloadError(`${where}: link is not an absolute URL: ${href}`, { cause: error });
  }
  const shown = `${url.origin}${url.pathname}`;
  const response = await abortable(fetch(new Request(url, { signal })), signal);
  if (!response.ok) {
    const body = await abortable(response.text(), signal);
    const code = xmlElement(body, 'Code');
    const message = xmlElement(body, 'Message');
    const reason = [code, message].filter(Boolean).join(': ') || body.trim().slice(0, 200) || response.statusText;
    // A pre-signed link is its own authentication: the storage service refuses an Authorization header beside it.
    const hint =
      code === 'InvalidArgument' && xmlElement(body, 'ArgumentName') === 'Authorization'
        ? '; the given fetch added an Authorization header: download links with a fetch that adds none'
        : '';
    throw new ReportDownloadError(`${where}: storage answered ${response.status} ${reason} (${shown})${hint}`, {
      url: shown,
      status: response.status,
      code,
    });
  }
  const zip = new Uint8Array(await abortable(response.arrayBuffer(), signal));
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip);
  } catch (error) {
    throw new ReportDownloadError(`${where}: the download is not a zip archive (${shown})`, {
      url: shown,
      cause: error,
    });
  }
  // Directory entries are not files; anything else must be the one CSV.
  const entries = Object.entries(files).filter(([name]) => !name.endsWith('/'));
  const [only] = entries;
  if (entries.length !== 1 || !only || !only[0].toLowerCase().endsWith('.csv')) {
    const names = entries.map(([name]) => name).join(', ') || 'nothing';
    throw new ReportDownloadError(
      `${where}: the zip must hold exactly one CSV file, but it holds ${names} (${shown})`,
      {
        url: shown,
      },
    );
  }
  return new TextDecoder().decode(only[1]);
}

/** The text of the first `<name>` element of an S3-style XML error body, if there is one. */
function xmlElement(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1]?.trim();
}
