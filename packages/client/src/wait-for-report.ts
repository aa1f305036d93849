import { abortable, sleep as realSleep, type Sleep } from './abortable.js';
import { FreshchatApiError } from './freshchat-api-error.js';
import type { FreshchatClient } from './freshchat-client.js';
import { retryAfterMs } from './retry-after.js';
import type { RawReport } from './schemas.js';

/** Options of {@link waitForReport}. */
export interface WaitForReportOptions {
  /** Time between two polls. Default: 5 000 ms. */
  intervalMs?: number;
  /** How long to keep polling before giving up; Freshchat says generation can take an hour. Default: 3 600 000 ms. */
  timeoutMs?: number;
  /** Stops polling and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called with every answered poll, the last one included; `attempt` counts them from 1. */
  onProgress?: (report: RawReport, attempt: number) => void;
  /** How waits are made. Default: a real, abortable `setTimeout`. */
  sleep?: Sleep;
  /** The clock the timeout is measured on, in milliseconds. Default: `Date.now`. Tests pair it with `sleep`. */
  now?: () => number;
}

/**
 * Polls a raw report job (`GET /reports/raw/{id}`) until it is `COMPLETED` or `FAILED`. A `429` or `503` answer is
 * transient: it waits `Retry-After` (or `intervalMs`) and polls again.
 *
 * The completed report's download links are valid for one hour from the poll that returned them, so download it
 * soon after (see {@link downloadReport}).
 *
 * @returns The `COMPLETED` report, with its `links`.
 * @throws {ReportFailedError} when the job ends `FAILED`.
 * @throws {ReportTimeoutError} when the job is still not done after `timeoutMs`.
 * @throws {FreshchatApiError} on any other error answer, such as `404` for an unknown id.
 *
 * @example
 * const report = await waitForReport(freshchat, id, {
 *   intervalMs: 10_000,
 *   onProgress: (report, attempt) => console.log(`poll ${attempt}: ${report.status}`),
 * });
 */
export async function waitForReport(
  client: FreshchatClient,
  id: string,
  options: WaitForReportOptions = {},
): Promise<RawReport> {
  const { intervalMs = 5_000, timeoutMs = 3_600_000, signal, onProgress, sleep = realSleep, now = Date.now } = options;
  const deadline = now() + timeoutMs;
  let attempt = 0;
  let last: RawReport | undefined;
  for (;;) {
    signal?.throwIfAborted();
    const { data, error, response } = await abortable(
      client.GET('/reports/raw/{id}', { params: { path: { id } }, signal }),
      signal,
    );
    let waitMs = intervalMs;
    if (data) {
      attempt += 1;
      last = data;
      onProgress?.(data, attempt);
      if (data.status === 'COMPLETED') return data;
      if (data.status === 'FAILED') throw new ReportFailedError(data);
    } else if (response.status === 429 || response.status === 503) {
      waitMs = retryAfterMs(response, intervalMs);
    } else {
      throw FreshchatApiError.fromAnswer(response, error);
    }
    const remaining = deadline - now();
    if (remaining <= 0) throw new ReportTimeoutError(id, timeoutMs, last);
    // Never sleep past the deadline: the last poll happens right at it.
    await abortable(sleep(Math.min(waitMs, remaining), signal), signal);
  }
}

/**
 * Thrown by {@link waitForReport} when the report job ends `FAILED`; `report` is the job as last polled.
 *
 * @example
 * try {
 *   await waitForReport(freshchat, id);
 * } catch (error) {
 *   if (error instanceof ReportFailedError) console.error(`report ${error.report.id} failed`);
 *   else throw error;
 * }
 */
export class ReportFailedError extends Error {
  override readonly name = 'ReportFailedError';
  /** The failed job. */
  readonly report: RawReport;

  constructor(report: RawReport) {
    super(`report ${report.id} failed (interval ${report.interval})`);
    this.report = report;
  }
}

/** Thrown by {@link waitForReport} when the job is neither `COMPLETED` nor `FAILED` after `timeoutMs`. */
export class ReportTimeoutError extends Error {
  override readonly name = 'ReportTimeoutError';
  /** The job's id. */
  readonly reportId: string;
  /** How long was waited, in milliseconds. */
  readonly timeoutMs: number;
  /** The job as last polled, when any poll was answered. */
  readonly lastReport: RawReport | undefined;

  constructor(reportId: string, timeoutMs: number, lastReport: RawReport | undefined) {
    const state = lastReport ? `still ${lastReport.status}` : 'never answered';
    super(`report ${reportId} is ${state} after ${timeoutMs} ms`);
    this.reportId = reportId;
    this.timeoutMs = timeoutMs;
    this.lastReport = lastReport;
  }
}
