/**
 * Faults injected through the control API — latency, error answers (503, 429) and dropped connections, per
 * operation and with a count — and the client helpers living through them as their documentation says:
 * `requestReport` waits out a 429 by its Retry-After, `waitForReport` keeps polling through 503 and 429, and a
 * dropped connection (a rejected fetch, not an answer) is passed on to the caller.
 */
import { request as httpRequest } from 'node:http';
import {
  type ControlComponents,
  createFreshchatClient,
  FreshchatApiError,
  type RawReportRequest,
  requestReport,
  type Sleep,
  waitForReport,
} from '@freshchat-sandbox/client';
import { describe, expect, it, vi } from 'vitest';
import { ConnectionDropped } from '../http/handle-request.js';
import { listen } from '../listen.js';
import { auth, IDS, openSandbox, type TestSandbox, TOKEN } from '../testing/sandbox-harness.js';
import { errorBodyValidator } from './testing/spec-requests.js';

/** A fault as the control API takes it. */
type FaultBody = ControlComponents['schemas']['FaultInput'];

const REPORT: RawReportRequest = {
  start: '2030-06-14T00:00:00Z',
  end: '2030-06-15T00:00:00Z',
  event: 'Agent-IntelliAssign-Activity',
  format: 'csv',
};

async function inject(sandbox: TestSandbox, fault: FaultBody): Promise<string> {
  const response = await sandbox.raw('/_mock/faults', {
    method: 'POST',
    headers: auth({ 'Content-Type': 'application/json' }),
    body: JSON.stringify(fault),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

async function faults(sandbox: TestSandbox) {
  return (await sandbox.control.GET('/_mock/faults')).data?.faults ?? [];
}

/** A sleep that waits for nothing and records what it was asked to wait. */
function recordingSleep() {
  return vi.fn<Sleep>(async () => {});
}

describe('requestReport under faults', () => {
  it('waits out an injected 429 by its Retry-After, then gets the report accepted', async () => {
    const sandbox = openSandbox();
    await inject(sandbox, { type: 'error', status: 429, operation: 'requestRawReport', count: 2 });
    const sleep = recordingSleep();

    const accepted = await requestReport(sandbox.freshchat, REPORT, { sleep });

    // The injected 429 says Retry-After: 1 — waited once per refusal, in milliseconds.
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([1000, 1000]);
    expect(accepted.link).toEqual({ rel: 'extracts', href: `/reports/raw/${accepted.id}` });
    const job = await sandbox.freshchat.GET('/reports/raw/{id}', { params: { path: { id: accepted.id } } });
    expect(job.data?.status).toBe('PENDING');
    expect(await faults(sandbox)).toEqual([]);
  });

  it('gives up after maxRetries with the last 429 as a FreshchatApiError', async () => {
    const sandbox = openSandbox();
    await inject(sandbox, { type: 'error', status: 429, operation: 'requestRawReport', count: 4 });
    const sleep = recordingSleep();
    const failure = await requestReport(sandbox.freshchat, REPORT, { sleep, maxRetries: 2 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(FreshchatApiError);
    expect(failure).toMatchObject({ status: 429, body: { code: 429, status: 'TOO_MANY_REQUESTS' } });
    expect(sleep).toHaveBeenCalledTimes(2);
    expect((await faults(sandbox))[0]?.remaining).toBe(1);
  });

  it('does not retry a 503 (the job may exist already): it throws at once', async () => {
    const sandbox = openSandbox();
    await inject(sandbox, { type: 'error', status: 503, operation: 'requestRawReport', count: 1 });
    const sleep = recordingSleep();
    const failure = await requestReport(sandbox.freshchat, REPORT, { sleep }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ status: 503, body: { code: 503, status: 'SERVICE_UNAVAILABLE' } });
    expect(sleep).not.toHaveBeenCalled();
  });
});

describe('waitForReport under faults', () => {
  it('keeps polling through injected 503 and 429 answers and returns the COMPLETED report', async () => {
    const sandbox = openSandbox();
    const { data } = await sandbox.freshchat.POST('/reports/raw', { body: REPORT });
    const id = data?.id as string;
    await inject(sandbox, { type: 'error', status: 503, operation: 'getRawReport', count: 2 });
    await inject(sandbox, { type: 'error', status: 429, operation: 'getRawReport', count: 2 });
    const sleep = recordingSleep();
    const progress: string[] = [];

    const report = await waitForReport(sandbox.freshchat, id, {
      intervalMs: 5_000,
      sleep,
      onProgress: (polled, attempt) => {
        progress.push(`${attempt}:${polled.status}`);
        // The report delay passes on the sandbox's clock, not in real time.
        sandbox.mock.clock.advance(30);
      },
    });

    expect(report.status).toBe('COMPLETED');
    expect(report.links.length).toBeGreaterThan(0);
    // Two 503s (no Retry-After: the interval), two 429s (Retry-After: 1), then PENDING, then COMPLETED.
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([5_000, 5_000, 1_000, 1_000, 5_000]);
    expect(progress).toEqual(['1:PENDING', '2:COMPLETED']);
    expect(await faults(sandbox)).toEqual([]);
  });

  it('passes on a dropped connection in-process: the fetch rejects and waitForReport rejects with it', async () => {
    const sandbox = openSandbox();
    const { data } = await sandbox.freshchat.POST('/reports/raw', { body: REPORT });
    await inject(sandbox, { type: 'drop_connection', operation: 'getRawReport', count: 1 });
    const sleep = recordingSleep();
    // wait-for-report.ts retries answers (429, 503) only; a rejected fetch is not an answer, so it is rethrown.
    await expect(waitForReport(sandbox.freshchat, data?.id as string, { sleep })).rejects.toBeInstanceOf(
      ConnectionDropped,
    );
    expect(sleep).not.toHaveBeenCalled();
    // The fault is used up: the next wait goes through.
    sandbox.mock.clock.advance(30);
    expect((await waitForReport(sandbox.freshchat, data?.id as string, { sleep })).status).toBe('COMPLETED');
  });

  it.each([
    ['without a request log', undefined],
    // The CLI logs requests unless --quiet: the log's wrapper must still hand the socket to the route.
    ['with a request log', () => {}],
  ])('passes on a dropped connection over HTTP as the fetch failure it is (%s)', async (_, onRequest) => {
    const server = await listen({ port: 0, onRequest });
    try {
      const freshchat = createFreshchatClient({ baseUrl: `${server.url}/v2`, token: TOKEN });
      const now = new Date(server.clock.now());
      const start = new Date(now.getTime() - 24 * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
      const { data } = await freshchat.POST('/reports/raw', {
        body: { ...REPORT, start, end: now.toISOString().replace(/\.\d+Z$/, 'Z') },
      });
      server.state.authenticate(TOKEN)?.faults.add({ type: 'drop_connection', operation: 'getRawReport', count: 1 });
      const failure = await waitForReport(freshchat, data?.id as string, { sleep: async () => {} }).catch(
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(TypeError);
      expect(String((failure as Error).message)).toMatch(/fetch failed/);
      expect(failure).not.toBeInstanceOf(FreshchatApiError);
      // The sandbox itself is fine.
      expect((await freshchat.GET('/agents/status')).response.status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});

describe('the faults themselves', () => {
  it('a latency fault delays the answer by at least its ms; other operations are not delayed', async () => {
    const sandbox = openSandbox();
    await inject(sandbox, { type: 'latency', operation: 'listAgentStatuses', ms: 300, count: 2 });
    const timed = async (path: string) => {
      const started = performance.now();
      const response = await sandbox.raw(path, { headers: auth() });
      return { status: response.status, ms: performance.now() - started };
    };
    const slow = await timed('/v2/agents/status');
    expect(slow.status).toBe(200);
    expect(slow.ms).toBeGreaterThanOrEqual(299);
    const other = await timed('/v2/agents');
    expect(other.status).toBe(200);
    expect(other.ms).toBeLessThan(300);
    // The other operation did not use the fault up.
    expect((await faults(sandbox)).map((f) => f.remaining)).toEqual([1]);
  });

  it('a latency fault delays the answer over a real socket too', async () => {
    const server = await listen({ port: 0 });
    try {
      server.state.authenticate(TOKEN)?.faults.add({ type: 'latency', operation: 'getAgent', ms: 250, count: 1 });
      const started = performance.now();
      const response = await fetch(`${server.url}/v2/agents/${IDS.john}`, { headers: auth() });
      expect(response.status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(249);
    } finally {
      await server.stop();
    }
  });

  it('an error fault scoped to one operation leaves the others alone, and stops when removed', async () => {
    const sandbox = openSandbox();
    const id = await inject(sandbox, { type: 'error', status: 503, operation: 'getAgent' });
    const statusOf = async (path: string, init: RequestInit = {}) =>
      (await sandbox.raw(path, { ...init, headers: auth({ 'Content-Type': 'application/json' }) })).status;
    const faulted = await sandbox.raw(`/v2/agents/${IDS.john}`, { headers: auth() });
    expect(faulted.status).toBe(503);
    const body = await faulted.json();
    expect(errorBodyValidator(body)).toBe(true);
    expect(body).toMatchObject({ code: 503, status: 'SERVICE_UNAVAILABLE' });
    expect(await statusOf('/v2/agents')).toBe(200);
    expect(await statusOf('/v2/agents/status')).toBe(200);
    expect(
      await statusOf(`/v2/agents/${IDS.john}`, { method: 'PATCH', body: '{"availability_status":"UNAVAILABLE"}' }),
    ).toBe(200);
    expect(await statusOf('/_mock/clock')).toBe(200);
    // Without a count it fires until removed.
    expect(await statusOf(`/v2/agents/${IDS.matt}`)).toBe(503);
    expect((await sandbox.raw(`/_mock/faults/${id}`, { method: 'DELETE', headers: auth() })).status).toBe(204);
    expect(await statusOf(`/v2/agents/${IDS.matt}`)).toBe(200);
  });

  it('a fault without an operation applies to every /v2 operation, and never to /_mock', async () => {
    const sandbox = openSandbox();
    await inject(sandbox, { type: 'error', status: 429, count: 3 });
    for (const path of ['/v2/agents/status', '/v2/agents', `/v2/agents/${IDS.john}`]) {
      const response = await sandbox.raw(path, { headers: auth() });
      expect(response.status, path).toBe(429);
      expect(response.headers.get('Retry-After')).toBe('1');
      expect(await response.json()).toMatchObject({ code: 429, status: 'TOO_MANY_REQUESTS' });
    }
    expect((await sandbox.raw('/_mock/statuses', { headers: auth() })).status).toBe(200);
    expect((await sandbox.raw('/v2/agents/status', { headers: auth() })).status).toBe(200);
  });

  it.each([
    ['error', { type: 'error', status: 503, operation: 'listAgents', count: 3 }, 503],
    ['error 429', { type: 'error', status: 429, operation: 'listAgents', count: 3 }, 429],
    ['drop_connection', { type: 'drop_connection', operation: 'listAgents', count: 3 }, 'dropped'],
  ] as const)(
    'respects the count of a %s fault: exactly that many answers, then normal again',
    async (_, fault, effect) => {
      const sandbox = openSandbox();
      await inject(sandbox, fault as FaultBody);
      const outcomes: (number | string)[] = [];
      const remaining: (number | null | undefined)[] = [];
      for (let i = 0; i < 5; i++) {
        const outcome = await sandbox
          .raw('/v2/agents', { headers: auth() })
          .then((r) => r.status)
          .catch((e: unknown) => (e instanceof ConnectionDropped ? 'dropped' : String(e)));
        outcomes.push(outcome);
        remaining.push((await faults(sandbox))[0]?.remaining);
      }
      expect(outcomes).toEqual([effect, effect, effect, 200, 200]);
      expect(remaining).toEqual([2, 1, undefined, undefined, undefined]);
      // One journal entry a request, a dropped one with status 0.
      const journal = (await (await sandbox.raw('/_mock/requests', { headers: auth() })).json()) as {
        requests: { path: string; status: number }[];
      };
      expect(journal.requests.filter((r) => r.path === '/v2/agents').map((r) => r.status)).toEqual(
        outcomes.map((o) => (o === 'dropped' ? 0 : o)),
      );
    },
  );

  it('respects the count of a latency fault', async () => {
    const sandbox = openSandbox();
    await inject(sandbox, { type: 'latency', operation: 'listAgentStatuses', ms: 120, count: 2 });
    const durations: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      expect((await sandbox.raw('/v2/agents/status', { headers: auth() })).status).toBe(200);
      durations.push(performance.now() - started);
    }
    expect(durations[0]).toBeGreaterThanOrEqual(119);
    expect(durations[1]).toBeGreaterThanOrEqual(119);
    expect(durations[2]).toBeLessThan(119);
    expect(await faults(sandbox)).toEqual([]);
  });

  it('drops the connection over a real socket: no answer at all, and the next request is answered', async () => {
    const server = await listen({ port: 0 });
    try {
      server.state.authenticate(TOKEN)?.faults.add({ type: 'drop_connection', operation: 'listAgentStatuses' });
      const { port } = new URL(server.url);
      const outcome = await new Promise<string>((resolve) => {
        const req = httpRequest(
          { host: '127.0.0.1', port, path: '/v2/agents/status', headers: auth(), agent: false },
          (res) => resolve(`answered ${res.statusCode}`),
        );
        req.on('error', (error: NodeJS.ErrnoException) => resolve(`error ${error.code ?? error.message}`));
        req.end();
      });
      expect(outcome).toMatch(/^error (ECONNRESET|socket hang up)/);
      const other = await fetch(`${server.url}/v2/agents`, { headers: auth() });
      expect(other.status).toBe(200);
      // The journal records the dropped request with no status.
      const journal = await (await fetch(`${server.url}/_mock/requests`, { headers: auth() })).json();
      expect(journal.requests[0]).toMatchObject({ path: '/v2/agents/status', status: 0 });
    } finally {
      await server.stop();
    }
  });
});
