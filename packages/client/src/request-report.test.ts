import { describe, expect, it, vi } from 'vitest';
import type { Sleep } from './abortable.js';
import { FreshchatApiError } from './freshchat-api-error.js';
import { createFreshchatClient } from './freshchat-client.js';
import { reportTime, requestReport } from './request-report.js';
import type { RawReportRequest } from './schemas.js';
import { fakeFetch, jsonAnswer } from './testing/fake-fetch.js';

const body: RawReportRequest = {
  start: '2020-12-14T13:00:00.000Z',
  end: '2020-12-15T13:00:00.000Z',
  event: 'Agent-IntelliAssign-Activity',
  format: 'csv',
};
const accepted = {
  id: '20c23b25-c97c-4b07-b01f-195c2656a449',
  link: { rel: 'extracts', href: '/reports/raw/20c23b25-c97c-4b07-b01f-195c2656a449' },
};
const tooMany = {
  code: 429,
  status: 'TOO_MANY_REQUESTS',
  message: 'only one report request is accepted per minute; retry after 42 seconds',
};

function setup(answers: Response[]) {
  const fetch = fakeFetch(answers);
  const sleep = vi.fn<Sleep>(async () => {});
  const client = createFreshchatClient({ baseUrl: 'http://sandbox.test/v2', token: 't', fetch });
  return { fetch, sleep, client };
}

describe('reportTime', () => {
  it("writes a time in the guide's form: UTC, three fraction digits, Z", () => {
    expect(reportTime(new Date(Date.UTC(2020, 11, 14, 13)))).toBe('2020-12-14T13:00:00.000Z');
    expect(reportTime(Date.parse('2020-12-14T15:00:00.5+02:00'))).toBe('2020-12-14T13:00:00.500Z');
    expect(reportTime(new Date('2020-12-14T13:00:00.000Z'))).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(() => reportTime(Number.NaN)).toThrow(RangeError);
  });
});

describe('requestReport', () => {
  it("sends Date windows in the guide's form, never with an offset", async () => {
    const { fetch, sleep, client } = setup([jsonAnswer(202, accepted)]);

    await requestReport(
      client,
      { ...body, start: new Date(Date.UTC(2020, 11, 14, 13)), end: new Date('2020-12-15T14:00:00+01:00') },
      { sleep },
    );

    expect(await fetch.requests[0]?.json()).toEqual(body);
  });

  it('posts the request and returns the accepted job', async () => {
    const { fetch, sleep, client } = setup([jsonAnswer(202, accepted)]);

    await expect(requestReport(client, body, { sleep })).resolves.toEqual(accepted);

    expect(fetch.requests[0]?.method).toBe('POST');
    expect(fetch.requests[0]?.url).toBe('http://sandbox.test/v2/reports/raw');
    expect(await fetch.requests[0]?.json()).toEqual(body);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('waits the Retry-After seconds after a 429, then succeeds', async () => {
    const { fetch, sleep, client } = setup([
      jsonAnswer(429, tooMany, { 'Retry-After': '42' }),
      jsonAnswer(202, accepted),
    ]);

    await expect(requestReport(client, body, { sleep })).resolves.toEqual(accepted);

    expect(sleep).toHaveBeenCalledTimes(1);
    expect(sleep.mock.calls[0]?.[0]).toBe(42_000);
    expect(fetch.requests).toHaveLength(2);
  });

  it('waits a whole minute when a 429 has no Retry-After', async () => {
    const { sleep, client } = setup([jsonAnswer(429, tooMany), jsonAnswer(202, accepted)]);

    await requestReport(client, body, { sleep });

    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([60_000]);
  });

  it('gives up after maxRetries and throws the last 429', async () => {
    const { fetch, sleep, client } = setup([jsonAnswer(429, tooMany, { 'Retry-After': '1' })]);

    const error = await requestReport(client, body, { sleep, maxRetries: 2 }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(FreshchatApiError);
    expect(error).toMatchObject({ status: 429, body: tooMany });
    expect(fetch.requests).toHaveLength(3);
    expect(sleep).toHaveBeenCalledTimes(2);
  });

  it('retries five times by default', async () => {
    const { fetch, sleep, client } = setup([jsonAnswer(429, tooMany, { 'Retry-After': '1' })]);

    await expect(requestReport(client, body, { sleep })).rejects.toBeInstanceOf(FreshchatApiError);

    expect(fetch.requests).toHaveLength(6);
  });

  it('throws a FreshchatApiError carrying the body on a 400, without retrying', async () => {
    const invalid = { code: 400, status: 'INVALID_VALUE', message: 'format: must be one of csv' };
    const { fetch, sleep, client } = setup([jsonAnswer(400, invalid)]);

    const error = await requestReport(client, body, { sleep }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(FreshchatApiError);
    expect(error).toMatchObject({ status: 400, body: invalid, message: 'format: must be one of csv' });
    expect(fetch.requests).toHaveLength(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('still gives a message when the error answer is not JSON', async () => {
    const { client } = setup([new Response('<html>Bad gateway</html>', { status: 502 })]);

    const error = await requestReport(client, body).catch((e: unknown) => e);

    expect(error).toMatchObject({ status: 502, body: { code: 502, status: 'HTTP_502' } });
    expect((error as Error).message).toContain('Bad gateway');
  });

  it('sends nothing once the signal has aborted', async () => {
    const { fetch, client } = setup([jsonAnswer(202, accepted)]);
    const reason = new Error('already cancelled');

    await expect(requestReport(client, body, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    await new Promise((resolve) => setTimeout(resolve, 10));

    expect(fetch.requests).toHaveLength(0);
  });

  it('rejects with the reason when aborted while waiting out a 429', async () => {
    const { client } = setup([jsonAnswer(429, tooMany, { 'Retry-After': '42' })]);
    const controller = new AbortController();
    const reason = new Error('test over');
    // A sleep that never ends on its own: only the abort can end the wait.
    const sleep: Sleep = () => {
      queueMicrotask(() => controller.abort(reason));
      return new Promise(() => {});
    };

    await expect(requestReport(client, body, { sleep, signal: controller.signal })).rejects.toBe(reason);
  });
});
