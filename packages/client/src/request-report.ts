import { abortable, sleep as realSleep, type Sleep } from './abortable.js';
import { FreshchatApiError } from './freshchat-api-error.js';
import type { FreshchatClient } from './freshchat-client.js';
import { retryAfterMs } from './retry-after.js';
import type { RawReportAccepted, RawReportRequest } from './schemas.js';

/**
 * A time as Freshchat's guide writes the report window (`2020-12-14T13:00:00.000Z`): UTC, milliseconds, `Z`. The
 * only form the sandbox accepts for `start` and `end`; a `+00:00` offset, as some generated clients write, is refused.
 *
 * @example
 * reportTime(new Date(Date.UTC(2020, 11, 14, 13))); // '2020-12-14T13:00:00.000Z'
 */
export function reportTime(time: Date | number): string {
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) throw new RangeError(`reportTime: not a valid time: ${String(time)}`);
  return date.toISOString();
}

/** A report request whose `start` and `end` may be `Date`s (sent in the guide's form, {@link reportTime}). */
export type ReportRequestInput = Omit<RawReportRequest, 'start' | 'end'> & { start: string | Date; end: string | Date };

/** Freshchat accepts one report request per minute; without a `Retry-After`, waiting out a whole minute is safe. */
const RATE_LIMIT_WINDOW_MS = 60_000;

/** Options of {@link requestReport}. */
export interface RequestReportOptions {
  /** Stops waiting and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** How many times a `429` answer is retried before giving up. Default: 5. */
  maxRetries?: number;
  /** How waits are made. Default: a real, abortable `setTimeout`. */
  sleep?: Sleep;
}

/**
 * Requests a raw report (`POST /reports/raw`). A `Date` for `start` or `end` is sent in the guide's form
 * (`2020-12-14T13:00:00.000Z`, {@link reportTime}); a string is sent as given. When the one-request-per-minute limit answers `429`, it waits the
 * `Retry-After` seconds (60 when the header is missing) and tries again, up to `maxRetries` times.
 *
 * Other answers are not retried: a `503` may come after the job was created, and a second request would start a
 * second report.
 *
 * @returns The accepted job: its `id`, to give to {@link waitForReport}, and its `link`.
 * @throws {FreshchatApiError} on an error answer (including the last `429` once the retries are used up).
 *
 * @example
 * const { id } = await requestReport(freshchat, {
 *   start: '2020-12-14T13:00:00.000Z',
 *   end: '2020-12-15T13:00:00.000Z',
 *   event: 'Agent-IntelliAssign-Activity',
 *   format: 'csv',
 * });
 */
export async function requestReport(
  client: FreshchatClient,
  input: ReportRequestInput,
  options: RequestReportOptions = {},
): Promise<RawReportAccepted> {
  const { signal, maxRetries = 5, sleep = realSleep } = options;
  const at = (time: string | Date) => (typeof time === 'string' ? time : reportTime(time));
  const body: RawReportRequest = { ...input, start: at(input.start), end: at(input.end) };
  for (let retries = 0; ; retries++) {
    signal?.throwIfAborted();
    const { data, error, response } = await abortable(client.POST('/reports/raw', { body, signal }), signal);
    if (data) return data;
    if (response.status === 429 && retries < maxRetries) {
      await abortable(sleep(retryAfterMs(response, RATE_LIMIT_WINDOW_MS), signal), signal);
      continue;
    }
    throw FreshchatApiError.fromAnswer(response, error);
  }
}
