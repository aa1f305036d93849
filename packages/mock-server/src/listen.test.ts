import { request } from 'node:http';
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

/** A GET to the sandbox with `Host` as given (fetch cannot set it); the status, two headers and the JSON body. */
function getWithHost(
  url: string,
  path: string,
  host: string,
): Promise<{ status: number; date?: string | undefined; contentType?: string | undefined; body: unknown }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, headers: { Host: host, Authorization: `Bearer ${TOKEN}` } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          date: res.headers.date,
          contentType: res.headers['content-type'],
          body: JSON.parse(text),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('listen: the Host check', () => {
  it('answers only its own names, refusing another with 403 naming --allowed-host', async () => {
    const sandbox = await listen({ port: 0, clock: frozenClock() });
    onTestFinished(() => sandbox.stop());
    const { port } = new URL(sandbox.url);
    expect((await getWithHost(sandbox.url, '/v2/agents/status', `127.0.0.1:${port}`)).status).toBe(200);
    expect((await getWithHost(sandbox.url, '/v2/agents/status', `localhost:${port}`)).status).toBe(200);
    for (const path of ['/v2/agents/status', '/_mock/clock', '/docs', '/_mock/health']) {
      const refused = await getWithHost(sandbox.url, path, `attacker.example:${port}`);
      expect(refused).toEqual({
        status: 403,
        // Dated on the frozen clock like every other answer, and typed as Freshchat's other errors are.
        date: new Date(sandbox.clock.now()).toUTCString(),
        contentType: 'application/json; charset=utf-8',
        body: {
          code: 403,
          status: 'HOST_NOT_ALLOWED',
          message:
            'Host: "attacker.example" is not an address of this server; to answer it, start it with --allowed-host attacker.example',
        },
      });
    }
  });

  it('answers the names given with allowedHosts, and builds its links from the host it checked', async () => {
    const sandbox = await listen({ port: 0, clock: frozenClock(), reportDelaySeconds: 0, allowedHosts: ['.ci.test'] });
    onTestFinished(() => sandbox.stop());
    const { port } = new URL(sandbox.url);
    const host = `sandbox.ci.test:${port}`;
    const requested = await fetch(`${sandbox.url}/v2/reports/raw`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        start: '2030-06-14T00:00:00.000Z',
        end: '2030-06-15T00:00:00.000Z',
        event: 'Agent-IntelliAssign-Activity',
        format: 'csv',
      }),
    });
    const { id } = (await requested.json()) as { id: string };
    const report = await getWithHost(sandbox.url, `/v2/reports/raw/${id}`, host);
    expect(report.status).toBe(200);
    const hrefs = (report.body as { links: { link: { href: string } }[] }).links.map((l) => new URL(l.link.href).host);
    expect(hrefs.length).toBeGreaterThan(0);
    expect(new Set(hrefs)).toEqual(new Set([host]));
  });
});
