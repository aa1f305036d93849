/**
 * The built command line (`dist/cli.js`), as a user runs it: `--help`, a bad option, a graceful SIGTERM with a slow
 * request and a slow webhook attempt in flight, and keep-alive connections that survive early error answers.
 */
import { Agent, request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';
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
const padded = (bytes: number) => Buffer.from(`{"availability_status":"UNAVAILABLE","pad":"${'p'.repeat(bytes)}"}`);

beforeAll(async () => {
  await ensureBuiltCli();
}, 180_000);

describe('command line options', () => {
  it('--help prints the usage and exits 0', async () => {
    const { code, stdout, stderr } = await runCli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: freshchat-sandbox \[options\]/);
    expect(stdout).toContain('--data-dir <dir>');
    for (const flag of ['--frozen-clock', '--clock-start <iso>', '--id-seed <n>']) expect(stdout).toContain(flag);
    expect(stderr).toBe('');
  });

  it.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['--port', 'abc'], /--port must be an integer >= 0, not "abc"/],
    [['--rate-limit', '0'], /--rate-limit must be an integer >= 1, not "0"/],
    [['--report-delay=-1'], /--report-delay must be an integer >= 0, not "-1"/],
    [['--seed', '/nonexistent/seed.json'], /cannot use seed \/nonexistent\/seed\.json/],
    [['--clock-start', 'yesterday'], /--clock-start must be an ISO-8601 date-time .*, not "yesterday"/],
    [['--id-seed', '1.5'], /--id-seed must be an integer, not "1.5"/],
  ])('%j exits 2 with a message', async (args, message) => {
    const { code, stdout, stderr } = await runCli(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^freshchat-sandbox: /);
    expect(stderr).toMatch(message);
    expect(stdout).toBe('');
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
