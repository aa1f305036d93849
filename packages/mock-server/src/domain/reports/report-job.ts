import type { ReportIntervalSeparator, ReportPartFaultStatus } from '../accounts/fault-plan.js';
import { addCalendarMonths, formatIntervalTime, splitByUtcDay } from '../clock/calendar.js';
import { DomainError } from '../domain-error.js';
import type { DownloadLink, DownloadLinkSigner } from './download-link.js';

/** The event names whose reports are about agent status; both spellings are the same report. */
const AGENT_ACTIVITY_EVENTS = ['Agent-IntelliAssign-Activity', 'Agent-Intelliassign-Activity'] as const;

/** A report request, as the API receives it (already checked against the schema). */
export type ReportRequest = {
  start: string;
  end: string;
  event: string;
  format: 'csv';
  should_exclude_pii?: boolean | undefined;
};

/** The status of a report job. */
export type ReportStatus = 'PENDING' | 'COMPLETED' | 'FAILED';

/**
 * How a job's window is cut into sub-reports: one covering it all (the guide's example, the default), one per UTC
 * calendar day, or `parts` contiguous parts of nearly equal length (a `report_split` fault asks for the last two).
 */
type ReportSplit = 'whole' | 'utc_day' | { parts: number };

/** The status of one sub-report of a completed job. */
export type ReportPartStatus = 'COMPLETED' | ReportPartFaultStatus;

/**
 * One Extract API report job. Its status is derived from the clock: PENDING until `completesAt`, then COMPLETED
 * (or FAILED when a fault marked it). Its content is derived from the history up to `completesAt`, which is what
 * makes a completed report a snapshot of the history at the moment it completed.
 */
export type ReportJob = {
  readonly id: string;
  readonly event: string;
  readonly start: number;
  readonly end: number;
  readonly excludePii: boolean;
  readonly requestedAt: number;
  readonly completesAt: number;
  readonly failing: boolean;
  /** The status a `report_part_status` fault gave the last sub-report; every sub-report is COMPLETED without one. */
  readonly lastPartStatus?: ReportPartFaultStatus | undefined;
  /** How the window is cut into sub-reports; one covering it all when left out. */
  readonly split?: ReportSplit | undefined;
  /** What a `report_interval` fault put between the interval's two times; a space when left out. */
  readonly intervalSeparator?: ReportIntervalSeparator | undefined;
};

/** Status of the job at `now`. */
export function reportStatus(job: ReportJob, now: number): ReportStatus {
  if (now < job.completesAt) return 'PENDING';
  return job.failing ? 'FAILED' : 'COMPLETED';
}

/** The job's `interval` string, as Freshchat writes it: a space between the two times, unless a fault said `_`. */
export function reportInterval(job: ReportJob): string {
  return `${formatIntervalTime(job.start)}${job.intervalSeparator ?? ' '}${formatIntervalTime(job.end)}`;
}

/**
 * The sub-reports of a job: by default one covering the whole window, as the guide's only example has it (its
 * object named `<job id>-<start ms>.zip`); split per UTC calendar day or into equal parts when a fault asked. Each
 * is COMPLETED unless a fault gave the last one another status.
 *
 * @example
 * reportParts({ ...job, start: 0, end: 90, split: { parts: 3 } }); // [0, 30), [30, 60), [60, 90)
 */
export function reportParts(job: ReportJob): { from: number; to: number; status: ReportPartStatus }[] {
  const pieces = windowPieces(job.start, job.end, job.split ?? 'whole');
  return pieces.map((piece, i) => ({
    ...piece,
    status: i === pieces.length - 1 ? (job.lastPartStatus ?? 'COMPLETED') : 'COMPLETED',
  }));
}

function windowPieces(start: number, end: number, split: ReportSplit): { from: number; to: number }[] {
  if (split === 'whole') return [{ from: start, to: end }];
  if (split === 'utc_day') return splitByUtcDay(start, end);
  // Never more parts than milliseconds, so every part is at least one long and every object name is distinct.
  const count = Math.min(split.parts, end - start);
  const bound = (i: number) => start + Math.floor(((end - start) * i) / count);
  return Array.from({ length: count }, (_, i) => ({ from: bound(i), to: bound(i + 1) }));
}

/** Whether a sub-report in this status has a file to download: COMPLETED and SUCCESS do, the others do not. */
export function isDownloadable(status: ReportPartStatus): boolean {
  return status === 'COMPLETED' || status === 'SUCCESS';
}

/** A sub-report as a GET of its job lists it: a downloadable one carries a link issued by that GET. */
export type IssuedPart = { from: number; to: number; status: ReportPartStatus; link?: DownloadLink | undefined };

/**
 * The sub-reports a GET of the job lists at `now`, each downloadable one with a link issued afresh by this call: a
 * download link expires an hour (`LINK_LIFETIME_MS`, applied by the signer) after the GET that issued it, and
 * each GET issues new ones. None until the job is COMPLETED. `appId` names the account the links' keys belong to.
 *
 * @example
 * const parts = issueDownloadLinks(job, account.appId, sandbox.links, sandbox.clock.now());
 * parts[0]?.link?.expiresAt; // an hour after now, in whole seconds
 */
export function issueDownloadLinks(
  job: ReportJob,
  appId: string,
  signer: DownloadLinkSigner,
  now: number,
): IssuedPart[] {
  if (reportStatus(job, now) !== 'COMPLETED') return [];
  return reportParts(job).map((part) =>
    isDownloadable(part.status)
      ? { ...part, link: signer.issue({ jobId: job.id, from: part.from }, appId, now) }
      : part,
  );
}

/** Whether the job's event is the agent-status report (the only one with simulated content). */
export function isAgentActivity(event: string): boolean {
  return (AGENT_ACTIVITY_EVENTS as readonly string[]).includes(event);
}

/**
 * Checks the Extract API's window rules: `start` not earlier than 15 calendar months before `now`, `end` after
 * `start`, not later than one calendar month after it, and not in the future (the sandbox's stricter reading: a
 * report of days not yet lived). The times' form (UTC, the guide's `YYYY-MM-DDTHH:MM:SS[.sss]Z`) is the spec's
 * `pattern`, checked before this. Returns the window in epoch ms.
 */
export function checkReportWindow(request: ReportRequest, now: number): { start: number; end: number } {
  const start = Date.parse(request.start);
  const end = Date.parse(request.end);
  if (Number.isNaN(start)) throw new DomainError('invalid', 'INVALID_VALUE', 'start: not a valid date-time');
  if (Number.isNaN(end)) throw new DomainError('invalid', 'INVALID_VALUE', 'end: not a valid date-time');
  const earliest = addCalendarMonths(now, -15);
  if (start < earliest) {
    throw new DomainError(
      'invalid',
      'INVALID_VALUE',
      `start: must not be earlier than 15 months before now (${new Date(earliest).toISOString()})`,
    );
  }
  if (end <= start) throw new DomainError('invalid', 'INVALID_VALUE', 'end: must be after start');
  if (end > now) {
    throw new DomainError(
      'invalid',
      'INVALID_VALUE',
      `end: must not be later than now (${new Date(now).toISOString()})`,
    );
  }
  const latest = addCalendarMonths(start, 1);
  if (end > latest) {
    throw new DomainError(
      'invalid',
      'INVALID_VALUE',
      `end: must not be later than one month after start (${new Date(latest).toISOString()})`,
    );
  }
  return { start, end };
}
