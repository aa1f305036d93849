import { abortable, sleep as realSleep, type Sleep } from './abortable.js';
import { FreshchatApiError } from './freshchat-api-error.js';
import type { FreshchatClient } from './freshchat-client.js';
import { retryAfterMs } from './retry-after.js';
import type { RawReportAccepted, RawReportRequest } from './schemas.js';

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
 * Requests a raw report (`POST /reports/raw`). When the one-request-per-minute limit answers `429`, it waits the
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
  body: RawReportRequest,
  options: RequestReportOptions = {},
): Promise<RawReportAccepted> {
  const { signal, maxRetries = 5, sleep = realSleep } = options;
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
