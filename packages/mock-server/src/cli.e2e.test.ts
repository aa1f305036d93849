/**
 * The built command line (`dist/cli.cjs`), as a user runs it: `--help`, a bad option, a graceful SIGTERM with a slow
 * request and a slow webhook attempt in flight, and keep-alive connections that survive early error answers.
 */
import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliProcess, ensureBuiltCli, runCli, startCli } from './robustness/testing/cli-process.js';
import { startReceiver } from './robustness/testing/webhook-receiver.js';
import { IDS, TOKEN } from './testing/sandbox-harness.js';

type Answer = { status: number; text: string; socket: Socket; reused: boolean };

/** One request with node:http; `chunked` sends the body in pieces without a Content-Length. */
function send(
  base: string,
  options: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: Buffer;
    chunked?: boolean;
    agent?: Agent | false;
  },
): Promise<Answer> {
  const { hostname, port } = new URL(base);
  const { method = 'GET', path, headers = {}, body, chunked = false, agent = false } = options;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: hostname,
        port,
        method,
        path,
        agent,
        headers: { ...headers, ...(body && !chunked ? { 'Content-Length': String(body.length) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        // Done once the answer is read and the request written: an early answer comes before the body is sent.
        const answered = new Promise<void>((done) => res.on('end', done));
        const written = new Promise<void>((done) => (req.writableFinished ? done() : req.once('finish', done)));
        void Promise.all([answered, written]).then(() =>
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
            socket: req.socket as Socket,
            reused: req.reusedSocket,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (!body) {
      req.end();
    } else if (!chunked) {
      req.end(body);
    } else {
      const write = (at: number) => {
        if (at >= body.length || req.destroyed) return void req.end();
        const next = () => write(at + 8192);
        if (req.write(body.subarray(at, at + 8192))) setImmediate(next);
        else req.once('drain', next);
      };
      write(0);
    }
  });
}

const bearer = { Authorization: `Bearer ${TOKEN}` };
const json = { 'Content-Type': 'application/json' };
/** A report window for the last hour, in the document's form, ending a second before now. */
function lastHour(): { start: string; end: string } {
  const end = Math.floor(Date.now() / 1000) * 1000 - 1000;
  const text = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
  return { start: text(end - 3_600_000), end: text(end) };
}
const padded = (bytes: number) => Buffer.from(`{"availability_status":"UNAVAILABLE","pad":"${'p'.repeat(bytes)}"}`);

beforeAll(async () => {
  await ensureBuiltCli();
}, 180_000);

describe('command line options', () => {
  it.each([['--help'], ['-h']])('%s prints the usage from the options table and exits 0', async (flag) => {
    const { code, stdout, stderr } = await runCli([flag]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: freshchat-sandbox \[options\]/);
    expect(stdout).toContain('--data-dir <dir>');
    for (const flag of ['--frozen-clock', '--clock-start <iso>', '--id-seed <n>', '--cors', '--log-format <text|json>'])
      expect(stdout).toContain(flag);
    expect(stdout).toContain('FRESHCHAT_SANDBOX_<FLAG>');
    expect(stderr).toBe('');
  });

  it.each([['--version'], ['-v']])('%s prints the package version and exits 0', async (flag) => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(await runCli([flag])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it.each([
    [['--bogus'], {}, /Unknown option '--bogus'/],
    [['--port', '70000'], {}, /--port must be an integer from 0 to 65535, not "70000"/],
    [['--port', 'abc'], {}, /--port must be an integer from 0 to 65535, not "abc"/],
    [['--rate-limit', '0'], {}, /--rate-limit must be an integer from 1 to 1000000000, not "0"/],
    [['--report-delay=-1'], {}, /--report-delay must be an integer from 0 to 315576000, not "-1"/],
    [['--seed', '/nonexistent/seed.json'], {}, /cannot use seed \/nonexistent\/seed\.json/],
    [['--clock-start', 'yesterday'], {}, /--clock-start must be an ISO-8601 date-time .*, not "yesterday"/],
    [['--id-seed', '1.5'], {}, /--id-seed must be an integer, not "1.5"/],
    [[], { PORT: '70000' }, /PORT must be an integer from 0 to 65535, not "70000"/],
    [['--host', '203.0.113.1', '--port', '0'], {}, /cannot listen on 203\.0\.113\.1 port 0 \(.*EADDRNOTAVAIL/],
    [[], { FRESHCHAT_SANDBOX_REPORT_DELAY: 'soon' }, /FRESHCHAT_SANDBOX_REPORT_DELAY must be an integer/],
  ])('%j %j exits 2 with a one-line message', async (args, env, message) => {
    const { code, stdout, stderr } = await runCli(args, env);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^freshchat-sandbox: [^\n]*\n$/);
    expect(stderr).toMatch(message);
    expect(stdout).toBe('');
  });

  it("takes its settings from FRESHCHAT_SANDBOX_ variables, logs JSON lines, and names the YAML seed's tokens", async () => {
    const seed = fileURLToPath(new URL('../../../examples/seed.yaml', import.meta.url));
    const cli = await startCli(['--port', '0'], 20_000, {
      FRESHCHAT_SANDBOX_SEED: seed,
      FRESHCHAT_SANDBOX_LOG_FORMAT: 'json',
      FRESHCHAT_SANDBOX_REPORT_DELAY: '7',
    });
    try {
      const url = cli.url;
      expect(cli.output.stdout).toBe(
        `Freshchat sandbox listening on ${url} (API ${url}/v2, docs ${url}/docs, inspector ${url}/_inspector#token=support-team-token, tokens support-team-token, sales-team-token)\n`,
      );
      const auth = { Authorization: 'Bearer support-team-token' };
      expect((await send(url, { path: '/v2/agents/status', headers: auth })).status).toBe(200);
      expect((await send(url, { path: `/v2/agents/${IDS.john}`, headers: auth })).status).toBe(404);
      const report = await send(url, {
        method: 'POST',
        path: '/v2/reports/raw',
        headers: { ...auth, ...json },
        body: Buffer.from(JSON.stringify({ event: 'Agent-IntelliAssign-Activity', format: 'csv', ...lastHour() })),
      });
      expect(report.status).toBe(202);
      const { id } = JSON.parse(report.text) as { id: string };
      const jobs = JSON.parse((await send(url, { path: '/_mock/reports', headers: auth })).text);
      const [job] = Object.values(jobs).flat() as { id: string; requested_at: string; completes_at: string }[];
      expect(job?.id).toBe(id);
      // FRESHCHAT_SANDBOX_REPORT_DELAY=7 took: the job completes seven clock-seconds after it was requested.
      expect(Date.parse(job?.completes_at ?? '') - Date.parse(job?.requested_at ?? '')).toBe(7000);
      await expect.poll(() => cli.output.stdout.split('\n').length).toBeGreaterThanOrEqual(5);
      const lines = cli.output.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => JSON.parse(line));
      expect(lines[0]).toEqual({
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        method: 'GET',
        path: '/v2/agents/status',
        status: 200,
        duration_ms: expect.any(Number),
        account: '5b1e7f9c-3c2a-4d8e-9f10-2a6b4c8d0e11',
      });
      expect(lines[1]).toMatchObject({
        path: `/v2/agents/${IDS.john}`,
        status: 404,
        account: '5b1e7f9c-3c2a-4d8e-9f10-2a6b4c8d0e11',
        error: { code: 'AGENT_NOT_FOUND', message: expect.stringContaining('agent_id') },
      });
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
  });

  it('logs text lines with the time and, for an error, its code; --cors answers preflights; health needs no token', async () => {
    const cli = await startCli(['--port', '0', '--cors']);
    try {
      expect(cli.output.stdout).toContain(`inspector ${cli.url}/_inspector#token=sandbox-token, token sandbox-token)`);
      expect((await send(cli.url, { path: '/v2/agents/status' })).status).toBe(401);
      const preflight = await send(cli.url, {
        method: 'OPTIONS',
        path: '/v2/agents/status',
        headers: { Origin: 'http://app.example', 'Access-Control-Request-Method': 'GET' },
      });
      expect(preflight.status).toBe(204);
      const health = await send(cli.url, { path: '/_mock/health' });
      expect(health.status).toBe(200);
      expect(JSON.parse(health.text)).toMatchObject({ status: 'ok' });
      await expect.poll(() => cli.output.stdout.split('\n').length).toBeGreaterThanOrEqual(5);
      const lines = cli.output.stdout.split('\n');
      expect(lines[1]).toMatch(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z GET \/v2\/agents\/status 401 \d+\.\dms UNAUTHORIZED$/,
      );
      expect(lines[2]).toMatch(/ OPTIONS \/v2\/agents\/status 204 \d+\.\dms$/);
      expect(lines[3]).toMatch(/ GET \/_mock\/health 200 \d+\.\dms$/);
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
  });
});

describe('SIGTERM', () => {
  it('stops accepting, lets the slow request and the webhook attempt in flight finish, and exits 0', async () => {
    // Real time on purpose: a process's shutdown grace, a latency fault and a receiver's held answer are wall-clock
    // waits that no virtual clock stands in for. The first bound (1.5 s for a PATCH and one delivery) is about 30×
    // what that takes here; the exit bound is the CLI's own five-second grace.
    const receiver = await startReceiver({ delayMs: 1000 });
    const cli = await startCli(['--port', '0']);
    try {
      const base = cli.url;
      const control = (path: string, body: unknown) =>
        send(base, { method: 'POST', path, headers: { ...bearer, ...json }, body: Buffer.from(JSON.stringify(body)) });
      expect(
        (await control('/_mock/faults', { type: 'latency', operation: 'listAgentStatuses', ms: 1500, count: 1 }))
          .status,
      ).toBe(201);
      expect((await control('/_mock/webhooks', { url: receiver.url })).status).toBe(201);

      const slowStarted = Date.now();
      const slow = send(base, { path: '/v2/agents/status', headers: bearer });
      const delivered = receiver.nextDelivery();
      const patched = await send(base, {
        method: 'PATCH',
        path: `/v2/agents/${IDS.john}`,
        headers: { ...bearer, ...json },
        body: Buffer.from(JSON.stringify({ agent_status: { id: IDS.meeting } })),
      });
      expect(patched.status).toBe(200);
      const delivery = await delivered; // the receiver holds its answer for a second
      expect(delivery.answered).toBe(false);
      expect(Date.now() - slowStarted).toBeLessThan(1500); // the slow request is still in flight

      const signalled = Date.now();
      cli.child.kill('SIGTERM');
      // New connections are refused once it stopped accepting.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const refused = await send(base, { path: '/v2/agents/status', headers: bearer }).then(
        (a) => `answered ${a.status}`,
        (e: NodeJS.ErrnoException) => e.code,
      );
      expect(refused).toBe('ECONNREFUSED');

      const answer = await slow;
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.text).states).toHaveLength(5);
      expect(Date.now() - slowStarted).toBeGreaterThanOrEqual(1500);

      const exit = await cli.exited;
      const exitedAfter = Date.now() - signalled;
      expect(exit).toEqual({ code: 0, signal: null });
      // Well inside the five seconds it gives in-flight work, and not before the webhook attempt was answered.
      expect(exitedAfter).toBeLessThan(5000);
      expect(delivery.answered).toBe(true);
      expect(delivery.cutOff).toBe(false);
      expect(cli.output.stdout).toMatch(/SIGTERM: stopping/);
      expect(cli.output.stdout).toMatch(/GET \/v2\/agents\/status 200 \d+\.\dms/);
    } finally {
      cli.child.kill('SIGKILL');
      await receiver.close();
    }
  }, 30_000);
});

describe('keep-alive connections after an early error answer', () => {
  let cli: CliProcess;
  beforeAll(async () => {
    cli = await startCli(['--port', '0', '--quiet']);
  }, 30_000);
  afterAll(async () => {
    cli.child.kill('SIGTERM');
    await cli.exited;
  });

  const good = (agent: Agent) => send(cli.url, { path: '/v2/agents/status', headers: bearer, agent });

  it.each([
    [
      '401 without a token, before a 200 KiB body',
      { method: 'PATCH', path: `/v2/agents/${IDS.john}`, headers: json, body: padded(200 * 1024) },
      401,
    ],
    [
      '413 for a declared 100 KiB body on /v2',
      { method: 'PATCH', path: `/v2/agents/${IDS.john}`, headers: { ...bearer, ...json }, body: padded(100 * 1024) },
      413,
    ],
    [
      '413 for a declared 1.5 MiB body on /_mock',
      { method: 'POST', path: '/_mock/statuses', headers: { ...bearer, ...json }, body: padded(1536 * 1024) },
      413,
    ],
    [
      '415 for a 300 KiB text/plain body',
      {
        method: 'POST',
        path: '/_mock/statuses',
        headers: { ...bearer, 'Content-Type': 'text/plain' },
        body: Buffer.alloc(300 * 1024, 'x'),
      },
      415,
    ],
  ])('%s: the next request goes on the same socket and is answered 200', async (_, bad, status) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const sockets = new Set<Socket>();
      const refused = await send(cli.url, { ...bad, agent });
      sockets.add(refused.socket);
      expect(refused.status).toBe(status);
      expect(JSON.parse(refused.text)).toMatchObject({ code: status });
      for (let i = 0; i < 3; i++) {
        const answer = await good(agent);
        sockets.add(answer.socket);
        expect(answer.status).toBe(200);
        expect(answer.reused).toBe(true);
      }
      expect(sockets.size).toBe(1);
    } finally {
      agent.destroy();
    }
  });

  it('413 for a chunked body past the limit: the server reads the rest, and the next request goes on the same socket', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const refused = await send(cli.url, {
        method: 'PATCH',
        path: `/v2/agents/${IDS.john}`,
        headers: { ...bearer, ...json },
        body: padded(200 * 1024),
        chunked: true,
        agent,
      });
      expect(refused.status).toBe(413);
      expect(JSON.parse(refused.text)).toEqual({
        code: 413,
        status: 'PAYLOAD_TOO_LARGE',
        message: 'body: must not be larger than 65536 bytes',
      });
      const answer = await good(agent);
      expect(answer.status).toBe(200);
      expect(answer.reused).toBe(true);
      expect(answer.socket).toBe(refused.socket);
    } finally {
      agent.destroy();
    }
  });
});
