import { describe, expect, it } from 'vitest';
import { historyOf, IDS, iso, openSandbox, T0, UNKNOWN_ID, UUID } from '../testing/sandbox-harness.js';

describe('faults', () => {
  it('an error fault answers 503 on the named operation only, as many times as its count', async () => {
    const { control, freshchat } = openSandbox();

    const injected = await control.POST('/_mock/faults', {
      body: { type: 'error', operation: 'listAgentStatuses', status: 503, count: 2 },
    });
    const first = await freshchat.GET('/agents/status');
    const other = await freshchat.GET('/agents');
    const listed = await control.GET('/_mock/faults');
    const second = await freshchat.GET('/agents/status');
    const third = await freshchat.GET('/agents/status');

    expect(injected.response.status).toBe(201);
    expect(injected.data).toEqual({
      id: expect.stringMatching(UUID),
      type: 'error',
      operation: 'listAgentStatuses',
      status: 503,
      remaining: 2,
    });
    expect(first.response.status).toBe(503);
    expect(first.error).toEqual({
      code: 503,
      status: 'SERVICE_UNAVAILABLE',
      message: 'service temporarily unavailable (injected fault)',
    });
    expect(other.response.status).toBe(200);
    expect(listed.data?.faults).toEqual([{ ...injected.data, remaining: 1 }]);
    expect(second.response.status).toBe(503);
    expect(third.response.status).toBe(200);
    expect((await control.GET('/_mock/faults')).data).toEqual({ faults: [] });
  });

  it('an error fault without an operation hits every /v2 operation until removed, and no control call', async () => {
    const { control, freshchat } = openSandbox();
    const { data: fault } = await control.POST('/_mock/faults', { body: { type: 'error' } });

    const statuses = [
      (await freshchat.GET('/agents/status')).response.status,
      (await freshchat.GET('/agents')).response.status,
      (await freshchat.GET('/agents/{agent_id}', { params: { path: { agent_id: IDS.john } } })).response.status,
      (
        await freshchat.PATCH('/agents/{agent_id}', {
          params: { path: { agent_id: IDS.john } },
          body: { availability_status: 'UNAVAILABLE' },
        })
      ).response.status,
      (
        await freshchat.POST('/reports/raw', {
          body: { start: iso(T0 - 1000), end: iso(T0), event: 'Agent-IntelliAssign-Activity', format: 'csv' },
        })
      ).response.status,
      (await freshchat.GET('/reports/raw/{id}', { params: { path: { id: UNKNOWN_ID } } })).response.status,
    ];
    const clock = await control.GET('/_mock/clock');
    const removed = await control.DELETE('/_mock/faults/{fault_id}', {
      params: { path: { fault_id: fault?.id ?? '' } },
    });
    const after = await freshchat.GET('/agents/status');

    expect(statuses).toEqual([503, 503, 503, 503, 503, 503]);
    expect(fault?.remaining).toBeNull();
    expect(clock.response.status).toBe(200);
    expect(removed.response.status).toBe(204);
    expect(after.response.status).toBe(200);
    // The refused PATCH changed nothing.
    expect(await historyOf(control, IDS.john)).toHaveLength(1);
  });

  it('a 429 error fault carries Retry-After', async () => {
    const { control, freshchat } = openSandbox();
    await control.POST('/_mock/faults', { body: { type: 'error', operation: 'getAgent', status: 429, count: 1 } });

    const { error, response } = await freshchat.GET('/agents/{agent_id}', { params: { path: { agent_id: IDS.john } } });

    expect(response.status).toBe(429);
    expect(response.headers.get('Retry-After')).toBe('1');
    expect(error).toEqual({
      code: 429,
      status: 'TOO_MANY_REQUESTS',
      message: 'too many requests (injected fault); retry after 1 seconds',
    });
  });

  it('a latency fault delays the answers of its operation by real milliseconds, count times', async () => {
    const { control, freshchat } = openSandbox();
    await control.POST('/_mock/faults', { body: { type: 'latency', operation: 'getAgent', ms: 300, count: 1 } });
    const timed = async (call: () => Promise<{ response: Response }>) => {
      const started = performance.now();
      const { response } = await call();
      return { status: response.status, ms: performance.now() - started };
    };
    const getAgent = () => freshchat.GET('/agents/{agent_id}', { params: { path: { agent_id: IDS.john } } });

    const other = await timed(() => freshchat.GET('/agents'));
    const slow = await timed(getAgent);
    const fast = await timed(getAgent);

    expect(slow.status).toBe(200);
    expect(slow.ms).toBeGreaterThanOrEqual(295);
    expect(other.ms).toBeLessThan(295);
    expect(fast.ms).toBeLessThan(295);
  });

  it('removes one fault (404 for an unknown one) or all of them', async () => {
    const { control } = openSandbox();
    await control.POST('/_mock/faults', { body: { type: 'report_failure', count: 3 } });
    await control.POST('/_mock/faults', { body: { type: 'latency', ms: 10 } });

    const unknown = await control.DELETE('/_mock/faults/{fault_id}', { params: { path: { fault_id: UNKNOWN_ID } } });
    const listed = await control.GET('/_mock/faults');
    const cleared = await control.DELETE('/_mock/faults');

    expect(unknown.response.status).toBe(404);
    expect(unknown.error).toEqual({ code: 404, status: 'FAULT_NOT_FOUND', message: 'fault_id: fault not found' });
    expect(listed.data?.faults.map((f) => [f.type, f.remaining])).toEqual([
      ['report_failure', 3],
      ['latency', null],
    ]);
    expect(cleared.response.status).toBe(204);
    expect((await control.GET('/_mock/faults')).data).toEqual({ faults: [] });
  });

  it('answers 400 naming type for an unknown type', async () => {
    const { control } = openSandbox();
    const { error, response } = await control.POST('/_mock/faults', { body: { type: 'explode' } as never });
    expect(response.status).toBe(400);
    expect(error).toEqual({
      code: 400,
      status: 'INVALID_VALUE',
      message: 'type: "explode" is not one of the allowed values',
    });
  });

  it('answers 400 naming ms for a latency fault without ms (the alternative its type names)', async () => {
    const { control } = openSandbox();
    const { error, response } = await control.POST('/_mock/faults', { body: { type: 'latency' } as never });
    expect(response.status).toBe(400);
    expect(error).toEqual({ code: 400, status: 'INVALID_VALUE', message: 'ms: is required' });
  });

  it.each<[string, unknown, string]>([
    ['an error status that cannot be injected', { type: 'error', status: 500 }, 'status: must be one of 429, 503'],
    [
      'an operation that is not a Freshchat one',
      { type: 'error', operation: 'getClock' },
      'operation: must be one of listAgentStatuses, listAgents, getAgent, updateAgentStatus, requestRawReport, getRawReport',
    ],
    ['a latency of 0 ms', { type: 'latency', ms: 0 }, 'ms: must be >= 1'],
    ['a count of 0', { type: 'report_failure', count: 0 }, 'count: must be >= 1'],
    ['no type', {}, 'type: is required'],
  ])('answers 400 for %s, naming the field', async (_, body, message) => {
    const { control } = openSandbox();
    const { error, response } = await control.POST('/_mock/faults', { body: body as never });
    expect(response.status).toBe(400);
    expect(error).toEqual({ code: 400, status: 'INVALID_VALUE', message });
  });
});
