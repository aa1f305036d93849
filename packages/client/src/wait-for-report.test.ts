import { describe, expect, it, vi } from 'vitest';
import type { Sleep } from './abortable.js';
import { FreshchatApiError } from './freshchat-api-error.js';
import { createFreshchatClient } from './freshchat-client.js';
import type { RawReport } from './schemas.js';
import { fakeFetch, jsonAnswer } from './testing/fake-fetch.js';
import { ReportFailedError, ReportTimeoutError, waitForReport } from './wait-for-report.js';

const id = '20c23b25-c97c-4b07-b01f-195c2656a449';
const pending: RawReport = {
  id,
  status: 'PENDING',
  interval: '2020-12-21 00:00:00.0 2020-12-22 13:00:00.0',
  links: [],
};
const completed: RawReport = {
  ...pending,
  status: 'COMPLETED',
  links: [
    {
      link: { rel: 'extraction', href: `https://storage.test/extraction/${id}-1608508800000.zip` },
      from: '2020-12-21T00:00:00.000Z',
      to: '2020-12-22T13:00:00.000Z',
      status: 'COMPLETED',
    },
  ],
};
const unavailable = { code: 503, status: 'SERVICE_UNAVAILABLE', message: 'service temporarily unavailable' };

/** A virtual clock: the sleep moves it forward instead of waiting. */
function setup(answers: Response[]) {
  const fetch = fakeFetch(answers);
  let clock = 0;
  const sleep = vi.fn<Sleep>(async (ms) => {
    clock += ms;
  });
  const client = createFreshchatClient({ baseUrl: 'http://sandbox.test/v2', token: 't', fetch });
  return { fetch, sleep, now: () => clock, client };
}

describe('waitForReport', () => {
  it('polls until COMPLETED, reporting every poll', async () => {
    const { fetch, sleep, now, client } = setup([
      jsonAnswer(200, pending),
      jsonAnswer(200, pending),
      jsonAnswer(200, completed),
    ]);
    const onProgress = vi.fn();

    const report = await waitForReport(client, id, { intervalMs: 2_000, onProgress, sleep, now });

    expect(report).toEqual(completed);
    expect(onProgress.mock.calls).toEqual([
      [pending, 1],
      [pending, 2],
      [completed, 3],
    ]);
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([2_000, 2_000]);
    expect(fetch.requests.map((request) => request.url)).toEqual(
      Array(3).fill(`http://sandbox.test/v2/reports/raw/${id}`),
    );
  });

  it('throws ReportFailedError carrying the report when the job FAILED', async () => {
    const failed: RawReport = { ...pending, status: 'FAILED' };
    const { sleep, now, client } = setup([jsonAnswer(200, pending), jsonAnswer(200, failed)]);

    const error = await waitForReport(client, id, { sleep, now }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ReportFailedError);
    expect((error as ReportFailedError).report).toEqual(failed);
  });

  it('times out after timeoutMs, polling one last time at the deadline', async () => {
    const { fetch, sleep, now, client } = setup([jsonAnswer(200, pending)]);

    const error = await waitForReport(client, id, { intervalMs: 1_000, timeoutMs: 3_500, sleep, now }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(ReportTimeoutError);
    expect(error).toMatchObject({ reportId: id, timeoutMs: 3_500, lastReport: pending });
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([1_000, 1_000, 1_000, 500]);
    expect(fetch.requests).toHaveLength(5);
  });

  it('waits out 429 and 503 answers, honouring Retry-After', async () => {
    const { fetch, sleep, now, client } = setup([
      jsonAnswer(503, unavailable),
      jsonAnswer(429, { code: 429, status: 'TOO_MANY_REQUESTS', message: 'slow down' }, { 'Retry-After': '7' }),
      jsonAnswer(200, completed),
    ]);
    const onProgress = vi.fn();

    await expect(waitForReport(client, id, { intervalMs: 1_000, sleep, now, onProgress })).resolves.toEqual(completed);

    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([1_000, 7_000]);
    expect(fetch.requests).toHaveLength(3);
    expect(onProgress.mock.calls).toEqual([[completed, 1]]);
  });

  it('throws FreshchatApiError on a 404', async () => {
    const notFound = { code: 404, status: 'REPORT_NOT_FOUND', message: 'id: report not found' };
    const { sleep, now, client } = setup([jsonAnswer(404, notFound)]);

    const error = await waitForReport(client, id, { sleep, now }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(FreshchatApiError);
    expect(error).toMatchObject({ status: 404, body: notFound });
    expect(sleep).not.toHaveBeenCalled();
  });

  it('rejects with the signal reason as soon as it aborts, even mid-wait', async () => {
    const { fetch, client } = setup([jsonAnswer(200, pending)]);
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    // A sleep that ignores the signal and never ends: only the abort can end the wait.
    const sleep: Sleep = () => {
      queueMicrotask(() => controller.abort(reason));
      return new Promise(() => {});
    };

    await expect(waitForReport(client, id, { sleep, signal: controller.signal })).rejects.toBe(reason);
    expect(fetch.requests).toHaveLength(1);
  });

  it('does not poll at all once the signal has aborted', async () => {
    const { fetch, sleep, client } = setup([jsonAnswer(200, pending)]);
    const reason = new Error('already cancelled');

    await expect(waitForReport(client, id, { sleep, signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(fetch.requests).toHaveLength(0);
  });

  it('cancels the default, real sleep on abort', async () => {
    const { client } = setup([jsonAnswer(200, pending)]);
    const started = Date.now();

    await expect(
      waitForReport(client, id, { intervalMs: 60_000, signal: AbortSignal.timeout(20) }),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
