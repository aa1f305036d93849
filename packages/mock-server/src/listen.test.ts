import { describe, expect, it, onTestFinished } from 'vitest';
import { listen, type RequestLogEntry } from './listen.js';
import { frozenClock, IDS, TOKEN, UNKNOWN_ID } from './testing/sandbox-harness.js';

/** A sandbox on a free port whose request log is kept in `entries`; stopped when the test finishes. */
async function logged() {
  const entries: RequestLogEntry[] = [];
  const sandbox = await listen({ port: 0, clock: frozenClock(), onRequest: (entry) => entries.push(entry) });
  onTestFinished(() => sandbox.stop());
  return { sandbox, entries };
}

describe('listen({ onRequest })', () => {
  it("tells each request's method, path, status, time, account and, for an error, its code and message", async () => {
    const { sandbox, entries } = await logged();
    const bearer = { Authorization: `Bearer ${TOKEN}` };
    const before = Date.now();
    await fetch(`${sandbox.url}/v2/agents/status`, { headers: bearer });
    await fetch(`${sandbox.url}/v2/agents/${UNKNOWN_ID}`, { headers: bearer });
    await fetch(`${sandbox.url}/v2/agents/${IDS.john}`, { headers: { Authorization: 'Bearer not-a-token' } });
    await fetch(`${sandbox.url}/_storage/extraction/${'0'.repeat(64)}/2030/06/${UNKNOWN_ID}-0.zip`);
    const after = Date.now();

    expect(entries.map(({ ms, at, ...rest }) => rest)).toEqual([
      { method: 'GET', path: '/v2/agents/status', status: 200, account: IDS.appId, error: undefined },
      {
        method: 'GET',
        path: `/v2/agents/${UNKNOWN_ID}`,
        status: 404,
        account: IDS.appId,
        error: { code: 'AGENT_NOT_FOUND', message: 'agent_id: agent not found' },
      },
      {
        method: 'GET',
        path: `/v2/agents/${IDS.john}`,
        status: 401,
        account: undefined,
        error: { code: 'UNAUTHORIZED', message: 'Authorization: the token is not valid' },
      },
      {
        method: 'GET',
        path: `/_storage/extraction/${'0'.repeat(64)}/2030/06/${UNKNOWN_ID}-0.zip`,
        status: 403,
        account: undefined,
        // The storage service answers XML: its Code and Message.
        error: { code: 'AccessDenied', message: 'Access Denied' },
      },
    ]);
    // Real time, since a request log is read beside other programs' logs; bounded by the test's own readings.
    for (const { at, ms } of entries) {
      expect(at).toBeGreaterThanOrEqual(before);
      expect(at).toBeLessThanOrEqual(after);
      expect(ms).toBeGreaterThanOrEqual(0);
    }
  });

  it('leaves the answer whole for the client after reading an error for the log', async () => {
    const { sandbox } = await logged();
    const response = await fetch(`${sandbox.url}/v2/agents/status`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      code: 401,
      status: 'UNAUTHORIZED',
      message: 'Authorization: a bearer token is required',
    });
  });
});
