/**
 * The CLI's data folder under real processes: SIGKILL at random moments while it writes and compacts (a tiny
 * `--compact-at`), one writer per folder, and the new options' checks.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliProcess, ensureBuiltCli, runCli, startCli } from './robustness/testing/cli-process.js';
import { IDS, TOKEN } from './testing/sandbox-harness.js';

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-durable-cli-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
beforeAll(async () => {
  await ensureBuiltCli();
}, 180_000);

async function send(base: string, method: string, path: string, body?: unknown, token = TOKEN) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const type = response.headers.get('content-type') ?? '';
  return {
    status: response.status,
    body: (type.includes('json') ? await response.json() : await response.text()) as Record<string, unknown> & string,
  };
}

/** What the sandbox acknowledged, over every round. */
type Acknowledged = {
  statuses: { id: string; name: string }[];
  /** Per agent, the status ids of its history after the seed entry, as read back at the last restart plus acks. */
  histories: Map<string, string[]>;
  accounts: { appId: string; token: string; publicKey: string }[];
  clock: number;
};

const AGENTS = [IDS.john, IDS.matt, IDS.sarah, IDS.sebastian];
const TARGETS = [IDS.lunch, IDS.break];
const ROUNDS = 30;

/** Checks that everything acknowledged is there; returns the histories as read (the base of the next round). */
async function verify(base: string, acked: Acknowledged, round: number): Promise<Map<string, string[]>> {
  const where = `after kill ${round}`;
  const states = (await send(base, 'GET', '/_mock/statuses')).body.states as unknown as { id: string; name: string }[];
  for (const created of acked.statuses)
    expect(states, where).toContainEqual({ ...created, emoji: '', built_in: false });
  const histories = new Map<string, string[]>();
  for (const agent of AGENTS) {
    const { history } = (await send(base, 'GET', `/_mock/agents/${agent}/history`)).body as unknown as {
      history: { to: { id: string } }[];
    };
    const changes = history.slice(1).map((e) => e.to.id);
    const expected = acked.histories.get(agent) ?? [];
    // Every acknowledged change is there, in order; at most the one in flight at the kill follows.
    expect(changes.slice(0, expected.length), `${where}, agent ${agent}`).toEqual(expected);
    expect(changes.length - expected.length, `${where}, agent ${agent}`).toBeLessThanOrEqual(1);
    histories.set(agent, changes);
  }
  for (const account of acked.accounts) {
    const read = await send(base, 'GET', '/_mock/account', undefined, account.token);
    expect(read.body.app_id, where).toBe(account.appId);
    expect((await send(base, 'GET', '/_mock/webhooks/public-key', undefined, account.token)).body, where).toBe(
      account.publicKey,
    );
  }
  const now = Date.parse((await send(base, 'GET', '/_mock/clock')).body.now as string);
  expect(now, where).toBeGreaterThanOrEqual(acked.clock);
  return histories;
}

/** Load until the kill: status changes, creations, accounts with their keys, clock advances. */
async function load(cli: CliProcess, acked: Acknowledged, round: number): Promise<number> {
  let killed = false;
  let count = 0;
  // A random moment: after a random number of acknowledgements, while the other workers' requests are in flight.
  const killAfter = 3 + Math.floor(Math.random() * 60);
  const acknowledge = () => {
    count++;
    if (count === killAfter) killed = process.kill(cli.child.pid as number, 'SIGKILL');
  };
  const worker = async (step: (i: number) => Promise<void>) => {
    for (let i = 0; !killed && i < 400; i++) {
      try {
        await step(i);
      } catch {
        return; // the connection died with the process
      }
    }
  };
  const base = cli.url;
  await Promise.all([
    ...AGENTS.map((agent) =>
      worker(async () => {
        const history = acked.histories.get(agent) as string[];
        const target = history.at(-1) === TARGETS[0] ? (TARGETS[1] as string) : (TARGETS[0] as string);
        const answer = await send(base, 'PATCH', `/v2/agents/${agent}`, { agent_status: { id: target } });
        if (answer.status === 200) {
          history.push(target);
          acknowledge();
        }
      }),
    ),
    ...[0, 1, 2].map((w) =>
      worker(async (i) => {
        const name = `round ${round} worker ${w} #${i}`;
        const answer = await send(base, 'POST', '/_mock/statuses', { name });
        if (answer.status === 201) {
          acked.statuses.push({ id: answer.body.id as string, name });
          acknowledge();
        }
      }),
    ),
    worker(async () => {
      const account = await send(base, 'POST', '/_mock/accounts', {});
      if (account.status !== 201) return;
      acknowledge();
      const key = await send(base, 'GET', '/_mock/webhooks/public-key', undefined, account.body.token as string);
      if (key.status === 200)
        acked.accounts.push({
          appId: account.body.app_id as string,
          token: account.body.token as string,
          publicKey: key.body,
        });
      const clock = await send(base, 'POST', '/_mock/clock/advance', { seconds: 60 });
      if (clock.status === 200) {
        acked.clock = Date.parse(clock.body.now as string);
        acknowledge();
      }
    }),
  ]);
  // A round that finished its steps before the timer is killed now.
  if (!killed) process.kill(cli.child.pid as number, 'SIGKILL');
  expect((await cli.exited).signal).toBe('SIGKILL');
  return count;
}

describe('the CLI with --data-dir and a tiny --compact-at, killed with SIGKILL again and again', () => {
  it(`loses no acknowledged mutation in ${ROUNDS} kills: ids, history, clock and webhook keys`, async () => {
    const dir = dataDir();
    const acked: Acknowledged = {
      statuses: [],
      histories: new Map(AGENTS.map((a) => [a, []])),
      accounts: [],
      clock: 0,
    };
    let total = 0;
    let compactions = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      const fsync = round % 2 === 0 ? ['--fsync', 'always'] : [];
      const cli = await startCli(['--port', '0', '--quiet', '--data-dir', dir, '--compact-at', '4096', ...fsync]);
      acked.histories = await verify(cli.url, acked, round - 1);
      total += await load(cli, acked, round);
    }
    const last = await startCli(['--port', '0', '--quiet', '--data-dir', dir, '--compact-at', '4096']);
    try {
      await verify(last.url, acked, ROUNDS);
      const header = JSON.parse(readFileSync(join(dir, 'sandbox-snapshot.ndjson'), 'utf8').split('\n')[0] as string);
      compactions = header.snapshot.generation + 1;
      expect(compactions).toBeGreaterThan(ROUNDS);
    } finally {
      last.child.kill('SIGTERM');
      await last.exited;
    }
    console.info(
      `${ROUNDS} kills with --compact-at 4096, ${compactions} compactions: ${total} acknowledged mutations (${acked.statuses.length} status ` +
        `creations, ${[...acked.histories.values()].reduce((n, h) => n + h.length, 0)} status changes, ` +
        `${acked.accounts.length} accounts with keys), every one found after every restart`,
    );
  }, 600_000);
});

describe('one writer per data folder', () => {
  it('a second CLI on a folder in use fails at once, naming the folder and the holder’s pid', async () => {
    const dir = dataDir();
    const first = await startCli(['--port', '0', '--quiet', '--data-dir', dir]);
    try {
      const started = Date.now();
      const second = await runCli(['--port', '0', '--quiet', '--data-dir', dir]);
      expect(second.code).toBe(2);
      expect(second.stderr).toBe(
        `freshchat-sandbox: the data folder ${dir} is in use by another sandbox (pid ${first.child.pid}); stop it ` +
          'first, or use another --data-dir\n',
      );
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      first.child.kill('SIGTERM');
      await first.exited;
    }
    // Stopped cleanly, it released the folder.
    const third = await startCli(['--port', '0', '--quiet', '--data-dir', dir]);
    expect(third.output.stderr).toBe('');
    third.child.kill('SIGTERM');
    await third.exited;
  }, 60_000);

  it('stops at a corrupt line of the log, naming it, and starts with --repair, saying what it cut', async () => {
    const dir = dataDir();
    const first = await startCli(['--port', '0', '--quiet', '--data-dir', dir]);
    for (const name of ['one', 'two', 'three']) {
      expect((await send(first.url, 'POST', '/_mock/statuses', { name })).status).toBe(201);
    }
    first.child.kill('SIGTERM');
    await first.exited;
    const file = join(dir, 'sandbox-log.ndjson');
    const lines = readFileSync(file, 'utf8').split('\n');
    // Line 1 is the format line, line 2 the start; line 4 is the second creation.
    lines[3] = 'not json';
    writeFileSync(file, lines.join('\n'));

    const refused = await runCli(['--port', '0', '--quiet', '--data-dir', dir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      new RegExp(`^freshchat-sandbox: ${file}: line 4 of 5 is corrupt \\(.*\\); the sandbox did not start\\.`),
    );
    const repaired = await startCli(['--port', '0', '--quiet', '--data-dir', dir, '--repair']);
    try {
      expect(repaired.output.stderr).toMatch(/line 4 of 5 was corrupt; repaired: cut before it \(lines 4–5 dropped\)/);
      const states = (await send(repaired.url, 'GET', '/_mock/statuses')).body.states as unknown as { name: string }[];
      expect(states.map((st) => st.name)).toContain('one');
      expect(states.map((st) => st.name)).not.toContain('three');
    } finally {
      repaired.child.kill('SIGTERM');
      await repaired.exited;
    }
  }, 60_000);

  it('stops with one line and exit code 2 on a folder it cannot write', async () => {
    // Root writes through a mode of 0500, so as root a folder of a read-only file system (sysfs) stands in.
    const dir = process.getuid?.() === 0 ? '/sys/kernel' : dataDir();
    if (dir !== '/sys/kernel') chmodSync(dir, 0o500);
    const refused = await runCli(['--port', '0', '--quiet', '--data-dir', dir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      new RegExp(
        `^freshchat-sandbox: the data folder ${dir} cannot be used: it cannot be written \\(E[A-Z]+: [^\\n]*\\); free it, or use another --data-dir\\n$`,
      ),
    );
  });

  it('refuses an unknown --fsync mode and a --compact-at that is not a positive integer', async () => {
    const fsync = await runCli(['--fsync', 'sometimes']);
    expect(fsync.code).toBe(2);
    expect(fsync.stderr).toBe('freshchat-sandbox: --fsync must be "always" or "never", not "sometimes"\n');
    const compactAt = await runCli(['--compact-at', '0']);
    expect(compactAt.code).toBe(2);
    expect(compactAt.stderr).toBe('freshchat-sandbox: --compact-at must be an integer >= 1, not "0"\n');
  }, 60_000);

  it('takes --id-seed, --frozen-clock and --clock-start with --data-dir, and a restart without them answers as a run that never stopped', async () => {
    const flags = ['--id-seed', '7', '--frozen-clock', '--clock-start', '2030-01-01T09:00:00Z'];
    const dir = dataDir();
    const steps = async (base: string, from: number, to: number) => {
      const answers = [];
      for (let i = from; i < to; i++) {
        answers.push(await send(base, 'POST', '/_mock/statuses', { name: `seeded ${i}` }));
        answers.push(await send(base, 'POST', '/_mock/clock/advance', { seconds: 1.5 }));
      }
      return answers;
    };
    const straight = await startCli(['--port', '0', '--quiet', ...flags]);
    const expected = await steps(straight.url, 0, 4);
    straight.child.kill('SIGTERM');
    await straight.exited;

    const before = await startCli(['--port', '0', '--quiet', ...flags, '--data-dir', dir]);
    const answers = await steps(before.url, 0, 2);
    before.child.kill('SIGTERM');
    await before.exited;
    const after = await startCli(['--port', '0', '--quiet', '--data-dir', dir]);
    try {
      answers.push(...(await steps(after.url, 2, 4)));
      expect(answers).toEqual(expected);
      expect((await send(after.url, 'GET', '/_mock/clock')).body).toEqual({
        now: '2030-01-01T09:00:06.000Z',
        frozen: true,
      });
    } finally {
      after.child.kill('SIGTERM');
      await after.exited;
    }
  }, 60_000);
});
