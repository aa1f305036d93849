import { describe, expect, it } from 'vitest';
import { createAccount, iso, openSandbox, T0, UNKNOWN_ID } from '../testing/sandbox-harness.js';

describe('the request journal', () => {
  it("lists the account's answered requests, oldest first, and the last few with limit", async () => {
    const { control, freshchat, advance } = openSandbox();
    await freshchat.GET('/agents', { params: { query: { page: 2, items_per_page: 2 } } });
    await advance(1);
    await freshchat.GET('/agents/{agent_id}', { params: { path: { agent_id: UNKNOWN_ID } } });

    const { data, response } = await control.GET('/_mock/requests');
    const limited = await control.GET('/_mock/requests', { params: { query: { limit: 2 } } });

    expect(response.status).toBe(200);
    const requests = data?.requests ?? [];
    expect(
      requests.map(({ method, path, operation, status, at }) => ({ method, path, operation, status, at })),
    ).toEqual([
      {
        method: 'GET',
        path: '/v2/agents?page=2&items_per_page=2',
        operation: 'listAgents',
        status: 200,
        at: iso(T0),
      },
      { method: 'POST', path: '/_mock/clock/advance', operation: 'advanceClock', status: 200, at: iso(T0) },
      {
        method: 'GET',
        path: `/v2/agents/${UNKNOWN_ID}`,
        operation: 'getAgent',
        status: 404,
        at: iso(T0 + 1000),
      },
    ]);
    for (const entry of requests) expect(entry.duration_ms).toBeGreaterThanOrEqual(0);
    expect(requests.map((r) => r.id)).toEqual([...requests.map((r) => r.id)].sort((a, b) => a - b));
    expect(new Set(requests.map((r) => r.id)).size).toBe(3);
    expect(limited.data?.requests.map((r) => r.operation)).toEqual(['getAgent', 'listRequests']);
  });

  it('answers 400 for a limit out of range', async () => {
    const { control } = openSandbox();
    const { error, response } = await control.GET('/_mock/requests', { params: { query: { limit: 0 } } });
    expect(response.status).toBe(400);
    expect(error).toEqual({ code: 400, status: 'INVALID_VALUE', message: 'limit: must be >= 1' });
  });

  it('keeps only the last journalCapacity entries', async () => {
    const { control, freshchat } = openSandbox({ limits: { journalCapacity: 3 } });
    for (let i = 0; i < 5; i++) await freshchat.GET('/agents/status');
    await freshchat.GET('/agents');
    const { data } = await control.GET('/_mock/requests');
    expect(data?.requests.map((r) => r.operation)).toEqual(['listAgentStatuses', 'listAgentStatuses', 'listAgents']);
  });

  it("shows no other account's requests", async () => {
    const sandbox = openSandbox();
    const other = await createAccount(sandbox);
    await other.freshchat.GET('/agents');
    const { data } = await sandbox.control.GET('/_mock/requests');
    expect(data?.requests.map((r) => r.operation)).toEqual(['createAccount']);
  });
});
