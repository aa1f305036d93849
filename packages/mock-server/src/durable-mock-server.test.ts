/**
 * `--data-dir` durability: what a durable sandbox acknowledged survives a close and reopen (same ids, clock not
 * earlier, download links and webhook keys still valid), a torn last line of the log is skipped with a warning and
 * cut off, and a real `kill -9` of the CLI loses no acknowledged mutation.
 */
import { appendFileSync, ftruncateSync, mkdtempSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DurableLog } from './adapters/durable-log.js';
import { type DurableMockServerOptions, openDurableMockServer } from './durable-mock-server.js';
import { createMockServer, type MockServer } from './mock-server.js';
import { type CliProcess, ensureBuiltCli, startCli } from './robustness/testing/cli-process.js';
import { downloadCsv } from './testing/report-download.js';
import { IDS, ORIGIN, TOKEN } from './testing/sandbox-harness.js';

const noWebhooks = (async () => new Response(null, { status: 204 })) as unknown as typeof fetch;
const dirs: string[] = [];
const opened: MockServer[] = [];

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-durable-'));
  dirs.push(dir);
  return dir;
}

async function open(
  dir: string,
  onWarning?: (message: string) => void,
  options: Partial<DurableMockServerOptions> = {},
) {
  const mock = await openDurableMockServer({ dataDir: dir, onWarning, webhooks: { fetch: noWebhooks }, ...options });
  opened.push(mock);
  return mock;
}

function close(mock: MockServer): void {
  opened.splice(opened.indexOf(mock), 1);
  mock.close();
}

afterEach(() => {
  for (const mock of opened.splice(0)) mock.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A request to an in-process sandbox; the JSON answer. */
async function call(mock: MockServer, method: string, path: string, body?: unknown, token = TOKEN) {
  const response = await mock.app.fetch(
    new Request(`${ORIGIN}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
  // A turn of the event loop, as between requests on a socket: a compaction that is due runs here.
  await new Promise((resolve) => setImmediate(resolve));
  const type = response.headers.get('content-type') ?? '';
  const payload = type.includes('json') ? await response.json() : await response.text();
  return { status: response.status, body: payload as Record<string, unknown> & string };
}

/** Everything a test can read about the sandbox, minus what is made afresh by each read (signed links). */
async function snapshot(mock: MockServer, extra: { token: string; report: string }) {
  const reads: Record<string, unknown> = {};
  for (const [token, paths] of [
    [
      TOKEN,
      [
        '/v2/agents?items_per_page=50',
        '/v2/agents/status',
        '/_mock/statuses',
        '/_mock/account',
        `/_mock/agents/${IDS.john}/history`,
        `/_mock/agents/${IDS.matt}/history`,
        '/_mock/webhooks',
        '/_mock/faults',
        '/_mock/webhooks/public-key',
      ],
    ],
    [extra.token, ['/v2/agents', '/_mock/account', '/_mock/statuses']],
  ] as const) {
    for (const path of paths) {
      const answer = await call(mock, 'GET', path, undefined, token);
      expect(answer.status, path).toBe(200);
      reads[`${token} ${path}`] = answer.body;
    }
  }
  const report = await call(mock, 'GET', `/v2/reports/raw/${extra.report}`);
  const { links, ...rest } = report.body as unknown as { links: { from: string; to: string; status: string }[] };
  reads.report = { ...rest, parts: links.map(({ from, to, status }) => ({ from, to, status })) };
  return reads;
}

describe('openDurableMockServer', () => {
  it.each([
    ['as logged', {} as { compactAt?: number }],
    ['compacted after every request', { compactAt: 1 }],
  ])(
    'keeps every kind of mutation across close and reopen (%s): same ids, clock not earlier, links and key still valid',
    async (_, options) => {
      const dir = dataDir();
      const first = await open(dir, undefined, options);
      expect((await call(first, 'PATCH', `/v2/agents/${IDS.john}`, { agent_status: { id: IDS.lunch } })).status).toBe(
        200,
      );
      const status = await call(first, 'POST', '/_mock/statuses', { name: 'Durable', emoji: '💾' });
      expect(status.status).toBe(201);
      expect(
        (await call(first, 'PATCH', `/v2/agents/${IDS.matt}`, { agent_status: { id: status.body.id } })).status,
      ).toBe(200);
      expect(
        (await call(first, 'POST', `/_mock/agents/${IDS.sarah}/status`, { availability_status: 'UNAVAILABLE' })).status,
      ).toBe(200);
      const agent = await call(first, 'POST', '/_mock/agents', { first_name: 'Dora', last_name: 'Durable' });
      expect(agent.status).toBe(201);
      expect((await call(first, 'POST', '/_mock/clock/advance', { seconds: 3600 })).status).toBe(200);
      const account = await call(first, 'POST', '/_mock/accounts', {
        statuses: [{ name: 'Second' }],
        agents: [{ first_name: 'Sec', last_name: 'Ond' }],
      });
      expect(account.status).toBe(201);
      const now = Date.parse((await call(first, 'GET', '/_mock/clock')).body.now as string);
      const start = new Date(now - 2 * 24 * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
      const end = new Date(now - 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
      const report = await call(first, 'POST', '/v2/reports/raw', {
        start,
        end,
        event: 'Agent-IntelliAssign-Activity',
        format: 'csv',
      });
      expect(report.status).toBe(202);
      expect((await call(first, 'POST', '/_mock/clock/advance', { seconds: 30 })).status).toBe(200);
      const subscription = await call(first, 'POST', '/_mock/webhooks', { url: 'http://127.0.0.1:9/durable' });
      expect(subscription.status).toBe(201);
      const fault = await call(first, 'POST', '/_mock/faults', { type: 'report_failure', count: 3 });
      expect(fault.status).toBe(201);
      const key = await call(first, 'GET', '/_mock/webhooks/public-key');
      expect(key.body).toMatch(/BEGIN PUBLIC KEY/);
      const completed = await call(first, 'GET', `/v2/reports/raw/${report.body.id}`);
      expect(completed.body.status).toBe('COMPLETED');
      const linkBefore = (completed.body.links as unknown as { link: { href: string } }[])[0]?.link.href as string;
      const csvBefore = await downloadCsv((r) => first.app.fetch(r), linkBefore);

      const extra = { token: account.body.token as string, report: report.body.id as string };
      const before = await snapshot(first, extra);
      const clockBefore = first.clock.now();
      close(first);

      if (options.compactAt) {
        expect((first as MockServer & { log: DurableLog }).log.compactions).toBeGreaterThan(5);
        expect(readFileSync(join(dir, 'sandbox-snapshot.ndjson'), 'utf8')).toContain('{"type":"statusChanged"');
      }
      const second = await open(dir, undefined, options);
      expect(second.clock.now()).toBeGreaterThanOrEqual(clockBefore);
      expect(await snapshot(second, extra)).toEqual(before);
      // Same ids, read back where each was made.
      const reread = (path: string, token = TOKEN) => call(second, 'GET', path, undefined, token);
      expect(((await reread('/_mock/statuses')).body.states as unknown as { id: string }[]).map((s) => s.id)).toContain(
        status.body.id,
      );
      expect((await reread(`/v2/agents/${agent.body.id}`)).status).toBe(200);
      expect((await reread('/_mock/account', extra.token)).body.app_id).toBe(account.body.app_id);
      expect((await reread('/_mock/webhooks')).body.subscriptions).toEqual([subscription.body]);
      expect((await reread('/_mock/faults')).body.faults).toEqual([fault.body]);
      expect((await reread('/_mock/webhooks/public-key')).body).toBe(key.body);
      // The link issued before the restart still downloads the same CSV, and so does a fresh one.
      expect(await downloadCsv((r) => second.app.fetch(r), linkBefore)).toBe(csvBefore);
      const fresh = await reread(`/v2/reports/raw/${extra.report}`);
      const linkAfter = (fresh.body.links as unknown as { link: { href: string } }[])[0]?.link.href as string;
      expect(await downloadCsv((r) => second.app.fetch(r), linkAfter)).toBe(csvBefore);
      expect((second as MockServer & { log: { loaded: { warnings: string[] } } }).log.loaded.warnings).toEqual([]);
    },
  );

  it('keeps a frozen clock frozen where it stood, across a reset that compaction folds away', async () => {
    const dir = dataDir();
    const first = await open(dir, undefined, { compactAt: 1 });
    expect((await call(first, 'POST', '/_mock/clock', { now: '2031-01-01T00:00:00Z', frozen: true })).status).toBe(200);
    expect((await call(first, 'POST', '/_mock/reset')).status).toBe(200);
    expect((await call(first, 'POST', '/_mock/clock/advance', { seconds: 90 })).status).toBe(200);
    close(first);
    await new Promise((resolve) => setTimeout(resolve, 20)); // real time passes while it is down

    const second = await open(dir);
    expect((await call(second, 'GET', '/_mock/clock')).body).toEqual({ now: '2031-01-01T00:01:30.000Z', frozen: true });
  });

  it('replays a simulation: the same agents, ids and history after a reopen', async () => {
    const dir = dataDir();
    const first = await open(dir);
    const made = await call(first, 'POST', '/_mock/simulate', { agents: 7, days: 5, seed: 21 });
    expect(made.status).toBe(201);
    const read = async (mock: MockServer) => {
      const agents = (await call(mock, 'GET', '/v2/agents?items_per_page=50')).body.agents as { id: string }[];
      const histories = [];
      for (const agent of agents) histories.push((await call(mock, 'GET', `/_mock/agents/${agent.id}/history`)).body);
      return { agents, histories };
    };
    const before = await read(first);
    close(first);
    const second = await open(dir);

    expect(before.agents).toHaveLength(12); // seven simulated, the seed's four and the admin
    expect(await read(second)).toEqual(before);
  });

  it.each([
    ['as logged', {} as { compactAt?: number }],
    ['compacted as it goes', { compactAt: 2000 }],
  ])('keeps the ids and the order of mutations made concurrently (%s)', async (_, options) => {
    const dir = dataDir();
    const first = await open(dir, undefined, options);
    const agents = [IDS.john, IDS.matt, IDS.sarah, IDS.sebastian];
    const targets = [IDS.lunch, IDS.break, IDS.meeting, IDS.training, IDS.teaBreak];
    // Everything at once: creations (which make ids) and status changes (which make history) interleave.
    const created = await Promise.all([
      ...Array.from({ length: 100 }, (_, i) => call(first, 'POST', '/_mock/statuses', { name: `concurrent ${i}` })),
      ...Array.from({ length: 20 }, (_, i) =>
        call(first, 'POST', '/_mock/agents', { first_name: 'C', last_name: `${i}` }),
      ),
      ...agents.flatMap((agent) =>
        targets.map((target) => call(first, 'PATCH', `/v2/agents/${agent}`, { agent_status: { id: target } })),
      ),
    ]);
    expect(created.every((answer) => answer.status < 300)).toBe(true);
    // Every agent's whole history (the 20 new ones' too), to the millisecond: exactly, with no tolerance.
    const read = async (mock: MockServer) => {
      const listed = (await call(mock, 'GET', '/v2/agents?items_per_page=50')).body;
      const all = (listed.agents as unknown as { id: string }[]).map((a) => a.id);
      return {
        statuses: (await call(mock, 'GET', '/_mock/statuses')).body,
        agents: listed,
        histories: await Promise.all(
          all.map(async (a) => (await call(mock, 'GET', `/_mock/agents/${a}/history`)).body),
        ),
        clock: mock.clock.frozen,
      };
    };
    const before = await read(first);
    expect(before.histories).toHaveLength(25); // the seed's four, the 20 new ones and the admin
    close(first);
    const onWarning = vi.fn();
    const second = await open(dir, onWarning, options);
    expect(await read(second)).toStrictEqual(before);
    expect(onWarning).not.toHaveBeenCalled();
  });

  it('logs POST /_mock/reset, so replay (of the log, or of a compaction that dropped what the reset undid) ends in the same state', async () => {
    for (const options of [{}, { compactAt: 1 }] as { compactAt?: number }[]) {
      const dir = dataDir();
      const first = await open(dir, undefined, options);
      expect((await call(first, 'POST', '/_mock/statuses', { name: 'Before the reset' })).status).toBe(201);
      expect((await call(first, 'PATCH', `/v2/agents/${IDS.john}`, { agent_status: { id: IDS.lunch } })).status).toBe(
        200,
      );
      const account = await call(first, 'POST', '/_mock/accounts', {});
      expect((await call(first, 'POST', '/_mock/clock/advance', { seconds: 7200 })).status).toBe(200);
      expect((await call(first, 'POST', '/_mock/reset')).status).toBe(200);
      const after = await call(first, 'POST', '/_mock/statuses', { name: 'After the reset' });
      expect(
        (await call(first, 'PATCH', `/v2/agents/${IDS.matt}`, { agent_status: { id: after.body.id } })).status,
      ).toBe(200);
      const read = async (mock: MockServer) => ({
        statuses: (await call(mock, 'GET', '/_mock/statuses')).body,
        john: (await call(mock, 'GET', `/_mock/agents/${IDS.john}/history`)).body,
        matt: (await call(mock, 'GET', `/_mock/agents/${IDS.matt}/history`)).body,
        other: (await call(mock, 'GET', '/_mock/account', undefined, account.body.token as string)).status,
      });
      const before = await read(first);
      expect(before.other).toBe(401);
      expect(JSON.stringify(before.statuses)).not.toContain('Before the reset');
      const clockBefore = first.clock.now();
      close(first);
      if (options.compactAt) {
        expect(readFileSync(join(dir, 'sandbox-snapshot.ndjson'), 'utf8')).not.toContain('Before the reset');
      }
      const second = await open(dir, undefined, options);
      expect(await read(second)).toEqual(before);
      expect(second.clock.now()).toBeGreaterThanOrEqual(clockBefore);
      expect(second.clock.now()).toBeLessThan(clockBefore + 60_000);
    }
  });

  it('replays what was accepted under a higher rate limit than the restart’s', async () => {
    const dir = dataDir();
    const first = await open(dir, undefined, { limits: { requestsPerMinute: 100 } });
    // Each PATCH takes a (1 ms) latency fault, so it is logged as a request and replayed through HTTP.
    const fault = { type: 'latency', operation: 'updateAgentStatus', ms: 1, count: 10 };
    expect((await call(first, 'POST', '/_mock/faults', fault)).status).toBe(201);
    for (let i = 0; i < 10; i++) {
      const target = i % 2 ? IDS.break : IDS.lunch;
      expect((await call(first, 'PATCH', `/v2/agents/${IDS.john}`, { agent_status: { id: target } })).status).toBe(200);
    }
    const history = (await call(first, 'GET', `/_mock/agents/${IDS.john}/history`)).body;
    close(first);
    const second = await open(dir, undefined, { limits: { requestsPerMinute: 3 } });
    expect((await call(second, 'GET', `/_mock/agents/${IDS.john}/history`)).body).toEqual(history);
  });

  it('skips a torn last line with a warning and cuts the file back to the last whole line', async () => {
    const dir = dataDir();
    const first = await open(dir);
    const status = await call(first, 'POST', '/_mock/statuses', { name: 'Before the tear' });
    expect(status.status).toBe(201);
    expect((await call(first, 'PATCH', `/v2/agents/${IDS.john}`, { availability_status: 'UNAVAILABLE' })).status).toBe(
      200,
    );
    close(first);
    const file = join(dir, 'sandbox-log.ndjson');
    const whole = statSync(file).size;
    // A write cut short by a kill: part of a JSON line, no line break.
    appendFileSync(file, '{"type":"request","at":1781006400000,"method":"POST","path":"/_mock/sta');

    const onWarning = vi.fn();
    const second = await open(dir, onWarning);
    expect(onWarning).toHaveBeenCalledTimes(1);
    expect(onWarning.mock.calls[0]?.[0]).toMatch(/sandbox-log\.ndjson: line \d+ skipped \(no line break/);
    expect(statSync(file).size).toBe(whole);
    expect(readFileSync(file, 'utf8').endsWith('\n')).toBe(true);
    const states = (await call(second, 'GET', '/_mock/statuses')).body.states as unknown as { id: string }[];
    expect(states.map((s) => s.id)).toContain(status.body.id);
    const john = await call(second, 'GET', `/v2/agents/${IDS.john}`);
    expect(john.body.availability_status).toBe('UNAVAILABLE');

    // The next append starts on a line of its own, and the log reads back whole.
    const later = await call(second, 'POST', '/_mock/statuses', { name: 'After the tear' });
    expect(later.status).toBe(201);
    close(second);
    const onWarningAgain = vi.fn();
    const third = await open(dir, onWarningAgain);
    expect(onWarningAgain).not.toHaveBeenCalled();
    const ids = ((await call(third, 'GET', '/_mock/statuses')).body.states as unknown as { id: string }[]).map(
      (s) => s.id,
    );
    expect(ids).toEqual(expect.arrayContaining([status.body.id, later.body.id]));
  });
});

describe('openDurableMockServer with --id-seed, --frozen-clock and --clock-start', () => {
  it('resumes the clock and the seed’s position: a restarted sandbox answers as one that never stopped', async () => {
    const flags = { idSeed: 42, frozenClock: true, clockStart: '2030-01-01T09:00:00Z' };
    const twin = createMockServer({ ...flags, webhooks: { fetch: noWebhooks } });
    const dir = dataDir();
    let durable = await open(dir, undefined, flags);
    const steps: [string, string, unknown?][] = [
      ['POST', '/_mock/statuses', { name: 'Seeded one' }],
      ['POST', '/_mock/clock/advance', { seconds: 90 }],
      ['POST', '/_mock/agents', { first_name: 'Ida', last_name: 'Seed' }],
      // Refused: draws no id that a restart would draw again.
      ['POST', '/_mock/statuses', { name: 'Seeded one' }],
      ['PATCH', `/v2/agents/${IDS.john}`, { agent_status: { id: IDS.lunch } }],
      ['POST', '/_mock/accounts', {}],
      ['POST', '/_mock/faults', { type: 'report_failure' }],
      ['POST', '/_mock/webhooks', { url: 'http://127.0.0.1:9/seeded' }],
      ['POST', '/_mock/simulate', { agents: 2, days: 1, seed: 3 }],
      ['POST', '/_mock/statuses', { name: 'Seeded two' }],
    ];
    for (const [i, [method, path, body]] of steps.entries()) {
      const expected = await call(twin, method, path, body);
      expect(await call(durable, method, path, body), `${method} ${path}`).toEqual(expected);
      if (i % 3 === 2) {
        close(durable);
        // Started without the flags: the folder says where its clock and ids are.
        durable = await open(dir);
      }
    }
    for (const path of ['/_mock/clock', '/_mock/statuses', '/v2/agents?items_per_page=50', '/_mock/faults']) {
      expect(await call(durable, 'GET', path), path).toEqual(await call(twin, 'GET', path));
    }
    expect((await call(durable, 'GET', '/_mock/clock')).body).toEqual({
      now: '2030-01-01T09:01:30.000Z',
      frozen: true,
    });
    twin.close();
  });
});

describe('openDurableMockServer on a failing disk', () => {
  it('answers 503 in Freshchat’s shape and applies nothing it could not write; reads go on, writes resume, every 2xx survives a restart', async () => {
    const dir = dataDir();
    let full = false;
    const writer = {
      write: (fd: number, bytes: Uint8Array, offset: number, length: number) => {
        if (full) {
          writeSync(fd, bytes, offset, Math.min(length, 9));
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        }
        // Short writes: at most 40 bytes at a time.
        return writeSync(fd, bytes, offset, Math.min(length, 40));
      },
      truncate: (fd: number, length: number) => ftruncateSync(fd, length),
      fsync: () => {},
    };
    const first = await open(dir, undefined, { writer });
    const acknowledged: string[] = [];
    const targets = [IDS.lunch, IDS.break, IDS.meeting];
    for (let i = 0; i < 30; i++) {
      full = i % 3 === 1;
      const target = targets[i % 3] as string;
      const answer = await call(first, 'PATCH', `/v2/agents/${IDS.john}`, { agent_status: { id: target } });
      const created = await call(first, 'POST', '/_mock/statuses', { name: `disk ${i}` });
      if (full) {
        expect(answer).toEqual({
          status: 503,
          body: {
            code: 503,
            status: 'STORAGE_UNAVAILABLE',
            message:
              'the change could not be kept (ENOSPC), so it was not made; retry once the data folder takes writes again',
          },
        });
        expect(created.status).toBe(503);
        // Reads go on while the disk is full.
        expect((await call(first, 'GET', `/v2/agents/${IDS.john}`)).status).toBe(200);
      } else {
        expect(answer.status).toBe(200);
        expect(created.status).toBe(201);
        acknowledged.push(target);
      }
    }
    full = false;
    const history = (await call(first, 'GET', `/_mock/agents/${IDS.john}/history`)).body.history as {
      to: { id: string };
    }[];
    // Nothing refused was applied.
    expect(history.slice(1).map((e) => e.to.id)).toEqual(acknowledged);
    const before = {
      history: (await call(first, 'GET', `/_mock/agents/${IDS.john}/history`)).body,
      statuses: (await call(first, 'GET', '/_mock/statuses')).body,
    };
    expect((before.statuses.states as unknown as unknown[]).length).toBe(2 + 5 + 20);
    close(first);
    const second = await open(dir, (m) => expect.fail(m));
    expect({
      history: (await call(second, 'GET', `/_mock/agents/${IDS.john}/history`)).body,
      statuses: (await call(second, 'GET', '/_mock/statuses')).body,
    }).toEqual(before);
  });
});

describe('the CLI with --data-dir, killed with SIGKILL', () => {
  beforeAll(async () => {
    await ensureBuiltCli();
  }, 180_000);

  it('loses no acknowledged mutation', async () => {
    const dir = dataDir();
    let cli: CliProcess | undefined = await startCli(['--port', '0', '--quiet', '--data-dir', dir]);
    const base = cli.url;
    const agents = [IDS.john, IDS.matt, IDS.sarah, IDS.sebastian];
    const targets = [IDS.lunch, IDS.break];
    const PATCHES_PER_AGENT = 26;
    const CREATIONS = 96;
    const killAfter = 40 + Math.floor(Math.random() * 120);
    const acknowledgedPatches = new Map<string, string[]>(agents.map((a) => [a, []]));
    const acknowledgedStatuses: { id: string; name: string }[] = [];
    let acknowledged = 0;
    let issued = 0;
    let killed = false;

    const send = async (method: string, path: string, body: unknown) => {
      issued++;
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await response.json()) as { id?: string; name?: string };
      return { status: response.status, json };
    };
    const acknowledge = () => {
      acknowledged++;
      if (acknowledged === killAfter && cli) {
        // Requests of the other workers are in flight at this moment.
        killed = process.kill(cli.child.pid as number, 'SIGKILL');
      }
    };
    const worker = async (steps: (() => Promise<void>)[]) => {
      for (const step of steps) {
        if (killed) return;
        try {
          await step();
        } catch {
          return; // the connection died with the process
        }
      }
    };

    const patchWorkers = agents.map((agent) =>
      worker(
        Array.from({ length: PATCHES_PER_AGENT }, (_, i) => async () => {
          const target = targets[i % 2] as string;
          const { status } = await send('PATCH', `/v2/agents/${agent}`, { agent_status: { id: target } });
          if (status === 200) {
            acknowledgedPatches.get(agent)?.push(target);
            acknowledge();
          }
        }),
      ),
    );
    const createWorkers = Array.from({ length: 16 }, (_, w) => w).map((w) =>
      worker(
        Array.from({ length: CREATIONS / 16 }, (_, i) => async () => {
          const name = `kill-${w}-${i}`;
          const { status, json } = await send('POST', '/_mock/statuses', { name });
          if (status === 201) {
            acknowledgedStatuses.push({ id: json.id as string, name });
            acknowledge();
          }
        }),
      ),
    );
    await Promise.all([...patchWorkers, ...createWorkers]);
    const exit = await cli.exited;
    expect(killed, `killed after ${killAfter} acknowledgements`).toBe(true);
    expect(exit.signal).toBe('SIGKILL');
    cli = undefined;

    const restarted = await startCli(['--port', '0', '--quiet', '--data-dir', dir]);
    try {
      const get = async (path: string) =>
        (await fetch(`${restarted.url}${path}`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json();
      const states = ((await get('/_mock/statuses')) as { states: { id: string; name: string }[] }).states;
      for (const created of acknowledgedStatuses)
        expect(states).toContainEqual({ ...created, emoji: '', built_in: false });
      for (const agent of agents) {
        const { history } = (await get(`/_mock/agents/${agent}/history`)) as { history: { to: { id: string } }[] };
        const changes = history.slice(1).map((e) => e.to.id);
        const acked = acknowledgedPatches.get(agent) ?? [];
        // Every acknowledged change is there, in order; at most the one in flight at the kill may follow.
        expect(changes.slice(0, acked.length)).toEqual(acked);
        expect(changes.length - acked.length).toBeLessThanOrEqual(1);
      }
      console.info(
        `kill -9 after the ${killAfter}th acknowledgement: ${issued} mutations issued, ${acknowledged} acknowledged ` +
          `(answers already sent when the signal landed count too); ${acknowledgedStatuses.length} status ` +
          `creations and ${[...acknowledgedPatches.values()].reduce((n, l) => n + l.length, 0)} PATCHes, all ` +
          'found after the restart' +
          (restarted.output.stderr ? `; the restart said: ${restarted.output.stderr.trim()}` : ''),
      );
    } finally {
      restarted.child.kill('SIGTERM');
      await restarted.exited;
    }
  }, 60_000);
});
