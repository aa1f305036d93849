/**
 * `--data-dir` durability: what a durable sandbox acknowledged survives a close and reopen (same ids, clock not
 * earlier, download links and webhook keys still valid), a torn last line of the log is skipped with a warning and
 * cut off, a group commit answers after its fsync and undoes a group whose fsync failed, and a real SIGTERM or
 * `kill -9` of the CLI under concurrent writers leaves exactly the acknowledged state, byte for byte.
 */
import { appendFileSync, fsync, ftruncateSync, mkdtempSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DurableLog } from './adapters/durable-log.js';
import { type DurableMockServerOptions, openDurableMockServer } from './durable-mock-server.js';
import { createMockServer, type MockServer } from './mock-server.js';
import { ensureBuiltCli, startCli } from './robustness/testing/cli-process.js';
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
        // Status changes are kept as columns.
        expect(readFileSync(join(dir, 'sandbox-snapshot.ndjson'), 'utf8')).toContain('{"type":"statusColumns"');
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
      ['POST', '/_mock/faults', { type: 'report_interval' }],
      [
        'POST',
        '/v2/reports/raw',
        {
          start: '2029-12-31T09:00:00Z',
          end: '2030-01-01T09:00:00Z',
          event: 'Agent-IntelliAssign-Activity',
          format: 'csv',
        },
      ],
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
    for (const path of [
      '/_mock/clock',
      '/_mock/statuses',
      '/v2/agents?items_per_page=50',
      '/_mock/faults',
      '/_mock/reports',
    ]) {
      expect(await call(durable, 'GET', path), path).toEqual(await call(twin, 'GET', path));
    }
    // The report_interval fault's mark is the job's own, kept by the log.
    expect((await call(durable, 'GET', '/_mock/reports')).body.reports).toMatchObject([
      { status: 'PENDING', interval: '2029-12-31 09:00:00.0_2030-01-01 09:00:00.0' },
    ]);
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

describe('openDurableMockServer with --fsync always: a group commit', () => {
  /** A disk whose fsync fails while `failing.now` is set. */
  function flakyFsync() {
    const failing = { now: false };
    const writer = {
      write: (fd: number, bytes: Uint8Array, offset: number, length: number) => writeSync(fd, bytes, offset, length),
      truncate: (fd: number, length: number) => ftruncateSync(fd, length),
      fsync: (fd: number, done: (error: Error | null) => void) =>
        fsync(fd, (error) => done(failing.now ? Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }) : error)),
    };
    return { failing, writer };
  }
  const history = async (mock: MockServer) =>
    ((await call(mock, 'GET', `/_mock/agents/${IDS.john}/history`)).body.history as { to: { id: string } }[]).map(
      (e) => e.to.id,
    );

  it('answers the changes of one turn after one fsync; each decision sees the changes before it', async () => {
    const dir = dataDir();
    const mock = await open(dir, undefined, { fsync: 'always' });
    const log = (mock as MockServer & { log: DurableLog }).log;
    const before = await history(mock);
    const flushes = log.flushes;
    const answers = await Promise.all([
      call(mock, 'PATCH', `/v2/agents/${IDS.john}`, { agent_status: { id: IDS.lunch } }),
      call(mock, 'PATCH', `/v2/agents/${IDS.john}`, { agent_status: { id: IDS.break } }),
      // No change, seen only because the one before it was applied at once.
      call(mock, 'PATCH', `/v2/agents/${IDS.john}`, { agent_status: { id: IDS.break } }),
      call(mock, 'POST', '/_mock/statuses', { name: 'grouped' }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 201]);
    expect(log.flushes - flushes).toBe(1);
    expect(await history(mock)).toEqual([...before, IDS.lunch, IDS.break]);
    close(mock);
    expect(await history(await open(dir))).toEqual([...before, IDS.lunch, IDS.break]);
  });

  it('refuses with 503 every change of a group whose fsync failed, and keeps none of them applied or logged', async () => {
    const dir = dataDir();
    const { failing, writer } = flakyFsync();
    const warnings: string[] = [];
    const mock = await open(dir, (m) => warnings.push(m), { fsync: 'always', writer });
    expect((await call(mock, 'PATCH', `/v2/agents/${IDS.john}`, { agent_status: { id: IDS.meeting } })).status).toBe(
      200,
    );
    const kept = await history(mock);
    const statuses = (await call(mock, 'GET', '/_mock/statuses')).body;
    failing.now = true;
    const answers = await Promise.all([
      call(mock, 'PATCH', `/v2/agents/${IDS.john}`, { agent_status: { id: IDS.lunch } }),
      // A change that decides on the one before it, and a no-change that reads it: both rest on what is lost.
      call(mock, 'PATCH', `/v2/agents/${IDS.john}`, { agent_status: { id: IDS.break } }),
      call(mock, 'PATCH', `/v2/agents/${IDS.john}`, { agent_status: { id: IDS.break } }),
      call(mock, 'POST', '/_mock/statuses', { name: 'lost' }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([503, 503, 503, 503]);
    expect(answers[0]?.body).toEqual({
      code: 503,
      status: 'STORAGE_UNAVAILABLE',
      message: 'the change could not be kept (EIO), so it was not made; retry once the data folder takes writes again',
    });
    expect(warnings).toEqual(['an fsync of the log failed (EIO): 3 changes not kept were refused']);
    // Reads are served, and show none of the refused changes.
    expect(await history(mock)).toEqual(kept);
    expect((await call(mock, 'GET', '/_mock/statuses')).body).toEqual(statuses);
    failing.now = false;
    expect((await call(mock, 'PATCH', `/v2/agents/${IDS.john}`, { agent_status: { id: IDS.lunch } })).status).toBe(200);
    close(mock);
    const reopened = await open(dir, (m) => expect.fail(m));
    expect(await history(reopened)).toEqual([...kept, IDS.lunch]);
    expect((await call(reopened, 'GET', '/_mock/statuses')).body).toEqual(statuses);
  });
});

/** What the control API shows of the state, as JSON text per entry: every agent's whole history, the statuses. */
async function readState(base: string, agents: string[]) {
  const get = async (path: string) => {
    const response = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(response.status, path).toBe(200);
    return response.text();
  };
  const histories = new Map<string, string[]>();
  for (const agent of agents) {
    const { history } = JSON.parse(await get(`/_mock/agents/${agent}/history`)) as { history: unknown[] };
    histories.set(
      agent,
      history.map((entry) => JSON.stringify(entry)),
    );
  }
  const { states } = JSON.parse(await get('/_mock/statuses')) as { states: unknown[] };
  return {
    histories,
    statuses: states.map((s) => JSON.stringify(s)),
  };
}

describe('the CLI with --data-dir, stopped under concurrent writers', () => {
  beforeAll(async () => {
    await ensureBuiltCli();
  }, 180_000);

  // Each case: a first wave of concurrent writers, read back whole; a second wave, stopped by the signal after a
  // random number of acknowledgements while the other writers' requests are in flight; then a restart.
  it.each([
    ['SIGTERM', 'always'],
    ['SIGKILL', 'always'],
    ['SIGKILL', 'never'],
  ] as const)(
    'after %s (--fsync %s), a restart holds every acknowledged change byte for byte: histories to the millisecond, ids, order',
    async (signal, fsync) => {
      const dir = dataDir();
      const args = ['--port', '0', '--quiet', '--data-dir', dir, '--fsync', fsync];
      const cli = await startCli(args);
      const base = cli.url;
      const agents = [IDS.john, IDS.matt, IDS.sarah, IDS.sebastian];
      const targets = [IDS.lunch, IDS.break];
      const send = async (method: string, path: string, body: unknown) => {
        const response = await fetch(`${base}${path}`, {
          method,
          headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        });
        return { status: response.status, text: await response.text() };
      };
      /** Per agent: its history as read right after its writer's last acknowledged change, then the targets acknowledged since. */
      const seen = new Map<string, { history: string[]; since: string[]; inFlight?: string | undefined }>();
      const created: { id: string; name: string }[] = [];
      const inFlightNames = new Set<string>();
      let stopped = false;
      let acknowledged = 0;
      let stopAfter = Number.POSITIVE_INFINITY;
      const acknowledge = () => {
        if (++acknowledged === stopAfter) stopped = process.kill(cli.child.pid as number, signal);
      };
      const wave = (steps: number) =>
        Promise.all([
          ...agents.map(async (agent) => {
            const mine = seen.get(agent) ?? { history: [], since: [] };
            seen.set(agent, mine);
            for (let i = 0; i < steps && !stopped; i++) {
              try {
                const last =
                  mine.since.at(-1) ??
                  (JSON.parse(mine.history.at(-1) ?? '{"to":{}}') as { to: { id?: string } }).to.id;
                const target = last === targets[0] ? (targets[1] as string) : (targets[0] as string);
                mine.inFlight = target;
                const answer = await send('PATCH', `/v2/agents/${agent}`, { agent_status: { id: target } });
                mine.inFlight = undefined;
                if (answer.status !== 200) throw new Error(`PATCH answered ${answer.status}: ${answer.text}`);
                mine.since.push(target);
                acknowledge();
                // Only this writer changes this agent: its history now is what was acknowledged.
                const { history } = JSON.parse(
                  await (
                    await fetch(`${base}/_mock/agents/${agent}/history`, {
                      headers: { Authorization: `Bearer ${TOKEN}` },
                    })
                  ).text(),
                ) as { history: unknown[] };
                mine.history = history.map((entry) => JSON.stringify(entry));
                mine.since = [];
              } catch (error) {
                if (!stopped) throw error;
                return; // the connection died with the process
              }
            }
          }),
          ...[0, 1, 2].map(async (w) => {
            for (let i = 0; i < steps && !stopped; i++) {
              const name = `w${w} #${created.length} ${i}`;
              inFlightNames.add(name);
              try {
                const answer = await send('POST', '/_mock/statuses', { name });
                if (answer.status !== 201) throw new Error(`POST answered ${answer.status}: ${answer.text}`);
                inFlightNames.delete(name);
                created.push({ id: (JSON.parse(answer.text) as { id: string }).id, name });
                acknowledge();
              } catch (error) {
                if (!stopped) throw error;
                return;
              }
            }
          }),
        ]);

      await wave(12);
      const first = await readState(base, agents);
      stopAfter = acknowledged + 10 + Math.floor(Math.random() * 60);
      await wave(400);
      expect(stopped, `stopped at the ${stopAfter}th acknowledgement`).toBe(true);
      expect((await cli.exited).signal ?? 'SIGTERM').toBe(signal);

      const restarted = await startCli(args);
      try {
        const after = await readState(restarted.url, agents);
        for (const agent of agents) {
          const history = after.histories.get(agent) as string[];
          const mine = seen.get(agent) as { history: string[]; since: string[]; inFlight?: string };
          // The first wave's state, then the history as read after the last acknowledged change: byte for byte.
          expect(history.slice(0, first.histories.get(agent)?.length), agent).toEqual(first.histories.get(agent));
          expect(history.slice(0, mine.history.length), agent).toEqual(mine.history);
          // Then the changes acknowledged after that read (the stop came before it), in order.
          const rest = history.slice(mine.history.length).map((e) => (JSON.parse(e) as { to: { id: string } }).to.id);
          expect(rest.slice(0, mine.since.length), agent).toEqual(mine.since);
          // A change whose answer the stop cut off may be there (it was written before the kill), and nothing else.
          const unanswered = rest.slice(mine.since.length);
          if (signal === 'SIGTERM') expect(unanswered, `${agent}: a graceful stop answers what it took`).toEqual([]);
          else expect(unanswered, agent).toEqual(unanswered.length > 0 ? [mine.inFlight] : []);
        }
        expect(after.statuses.slice(0, first.statuses.length)).toEqual(first.statuses);
        const madeNames = after.statuses
          .map((s) => (JSON.parse(s) as { name: string }).name)
          .filter((n) => n.startsWith('w'));
        const kept = after.statuses
          .map((s) => JSON.parse(s) as { id: string; name: string })
          .filter((s) => s.name.startsWith('w'))
          .map(({ id, name }) => ({ id, name }));
        for (const status of created) expect(kept).toContainEqual(status);
        const extra = madeNames.filter((n) => !created.some((c) => c.name === n));
        if (signal === 'SIGTERM') expect(extra).toEqual([]);
        else for (const name of extra) expect(inFlightNames.has(name), name).toBe(true);
        console.info(
          `${signal} (--fsync ${fsync}) after ${acknowledged} acknowledgements: ${created.length} statuses created, ` +
            `${agents.map((a) => after.histories.get(a)?.length).join('/')} history entries, all as acknowledged`,
        );
      } finally {
        restarted.child.kill('SIGTERM');
        await restarted.exited;
      }
    },
    60_000,
  );
});
