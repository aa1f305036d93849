/**
 * `--data-dir` costs, in its own process (run by `bench/run.ts`, or alone: `node --import tsx bench/durability.ts
 * [changes] [seconds] [rounds]` from packages/mock-server after a build). Prints one JSON line:
 * - PATCH throughput of the CLI in memory, with `--data-dir` (`--fsync never`) and with `--fsync always`;
 * - after `changes` status changes (1 M by default, made through the sandbox in-process): the folder's size and the
 *   CLI's start-up time (process start to first 200) before compaction, the compaction's time, and both again after
 *   (beside the same CLI's start-up on an empty folder, taken in turns with them).
 *   The history endpoint answers with every change: at 1 M that takes a while, and is not part of the start-up.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { openDurableMockServer, SANDBOX_ADMIN_ID, SANDBOX_APP_ID } from '../packages/mock-server/dist/index.js';
import { freePort } from './loopback.js';

const changes = Number(process.argv[2] ?? 1_000_000);
const seconds = Number(process.argv[3] ?? 3);
const rounds = Number(process.argv[4] ?? 3);
const root = join(import.meta.dirname, '..');
const TOKEN = 'sandbox-token';
const AGENTS = ['afd5102c-5443-4fe3-a069-4fe25189a0a1', '21fc58b1-9bbe-4891-af50-723576e8d1b3'];
const STATUSES = ['ea0ab820-e97c-47f5-8443-7bd362adc393', 'ccd63293-dd83-4369-a1e9-27aeabc4e62e'];
const NEVER = String(2 ** 50);
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const folders: string[] = [];
const folder = () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-durable-'));
  folders.push(dir);
  return dir;
};
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const folderBytes = (dir: string) => readdirSync(dir).reduce((n, name) => n + statSync(join(dir, name)).size, 0);

/** Starts the CLI and resolves once it answers 200, with the milliseconds that took. */
async function startCli(args: string[]): Promise<{ child: ChildProcess; origin: string; ms: number }> {
  const port = await freePort();
  const since = performance.now();
  // No refusal for the rate limit: the throughput runs send far more than the default allows in a minute.
  const cliArgs = ['--port', String(port), '--quiet', '--rate-limit', '1000000000', ...args];
  const child = spawn('node', [join(root, 'packages/mock-server/dist/cli.cjs'), ...cliArgs], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const origin = `http://127.0.0.1:${port}`;
  for (;;) {
    try {
      const r = await fetch(`${origin}/v2/agents/status`, { headers });
      await r.arrayBuffer();
      if (r.status === 200) return { child, origin, ms: performance.now() - since };
    } catch {}
    if (child.exitCode !== null) throw new Error(`the CLI exited (${child.exitCode})`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

// --- PATCH throughput: in memory, --fsync never, --fsync always ---------------------------------------------------
const modes = {
  'in memory': [] as string[],
  '--data-dir, --fsync never': ['--fsync', 'never'],
  '--data-dir, --fsync always': ['--fsync', 'always'],
};
const throughput: Record<string, number[]> = {};
for (let round = 0; round < rounds; round++) {
  const order = round % 2 ? Object.entries(modes).reverse() : Object.entries(modes);
  for (const [name, flags] of order) {
    const dirFlags = name === 'in memory' ? [] : ['--data-dir', folder()];
    const { child, origin } = await startCli([...dirFlags, ...flags]);
    const path = `/v2/agents/${AGENTS[0]}`;
    const run = (duration: number) =>
      autocannon({
        url: `${origin}${path}`,
        connections: 50,
        duration,
        requests: STATUSES.map((id) => ({
          method: 'PATCH',
          path,
          headers,
          body: JSON.stringify({ agent_status: { id } }),
        })),
      });
    await run(1); // warm-up
    const result = await run(seconds);
    if (result.non2xx > 0) throw new Error(`${name}: ${result.non2xx} non-2xx answers`);
    throughput[name] = [...(throughput[name] ?? []), result.requests.average];
    process.stderr.write(`PATCH ${name}: ${Math.round(result.requests.average)} req/s\n`);
    await stop(child);
  }
}

// --- 1 M status changes, then a compaction -------------------------------------------------------------------------
// The log is written as the sandbox writes it (format line, the start's events, one `statusChanged` line per PATCH),
// 1 ms apart in the past: making 1 M changes through the sandbox would take minutes on a busy machine and measure
// that, not the folder. The start-up below checks that the restart found every change.
const dir = folder();
const made = performance.now();
// Room for the tail written later: 16 MiB of changes, 1 ms apart.
const realStart = Date.now() - changes - 120_000;
const STATUS_NAMES: Record<string, string> = {
  'ea0ab820-e97c-47f5-8443-7bd362adc393': 'Meeting',
  'ccd63293-dd83-4369-a1e9-27aeabc4e62e': 'Lunch',
};
/** The history entries of the seed (set by `startLine`). */
let seedEntries = 0;
const lines = [JSON.stringify({ type: 'format', version: 3, generation: 0 }), await startLine(realStart)];

/**
 * The first start's line as a sandbox writes it (its seed's ids drawn: the built-in statuses' among them), moved
 * to `at` on the clock and in real time.
 */
async function startLine(at: number): Promise<string> {
  const probe = folder();
  const started = await openDurableMockServer({ dataDir: probe });
  seedEntries = started.state.allAccounts()[0]?.history.length ?? 0;
  started.close();
  const line = JSON.parse(readFileSync(join(probe, 'sandbox-log.ndjson'), 'utf8').split('\n')[1] as string) as {
    events: [{ type: 'sandboxStarted'; clock: unknown }];
  };
  line.events[0].clock = { at, realAt: at, frozen: false };
  return JSON.stringify(line);
}
/** Writes `count` PATCH lines, the `from`-th change first, after `lines`, to `file` (appending). */
function writeChanges(file: string, from: number, count: number): void {
  const log = openSync(file, 'a');
  for (let i = from; i < from + count; i++) {
    // Two agents, each alternating between two statuses: every PATCH is a change.
    const statusId = STATUSES[Math.floor(i / 2) % 2] as string;
    lines.push(
      JSON.stringify({
        type: 'events',
        events: [
          {
            type: 'statusChanged',
            app: SANDBOX_APP_ID,
            agentId: AGENTS[i % 2],
            statusId,
            statusName: STATUS_NAMES[statusId],
            active: false,
            actor: { type: 'admin', id: SANDBOX_ADMIN_ID },
            at: realStart + 1 + i,
          },
        ],
      }),
    );
    if (lines.length >= 10_000 || i === from + count - 1) {
      writeSync(log, `${lines.join('\n')}\n`);
      lines.length = 0;
    }
  }
  closeSync(log);
}
writeChanges(join(dir, 'sandbox-log.ndjson'), 0, changes);
const makeMs = performance.now() - made;
const bytesBefore = folderBytes(dir);
process.stderr.write(`${changes} changes written in ${Math.round(makeMs)} ms; folder ${bytesBefore} bytes\n`);

// Start-up before compaction: every event of the log applied (the threshold kept out of the way).
const before = await startCli(['--data-dir', dir, '--compact-at', NEVER]);
await stop(before.child);
process.stderr.write(`start-up before compaction: ${Math.round(before.ms)} ms\n`);

/** The number of changes a sandbox holds (its default account's history, less the seed's entries). */
type Held = { state: { allAccounts(): { history: { length: number } }[] } };
const held = (mock: Held) => (mock.state.allAccounts()[0]?.history.length ?? 0) - seedEntries;
const compacting = await openDurableMockServer({ dataDir: dir, compactAt: 2 ** 50 });
if (held(compacting) !== changes) throw new Error(`the log's events hold ${held(compacting)} changes`);
const compactStarted = performance.now();
compacting.log.compact();
const compactMs = performance.now() - compactStarted;
compacting.close();
const bytesAfter = folderBytes(dir);
const reopened = await openDurableMockServer({ dataDir: dir });
if (held(reopened) !== changes) throw new Error(`the snapshot's events hold ${held(reopened)} changes`);
reopened.close();
const files = Object.fromEntries(readdirSync(dir).map((name) => [name, statSync(join(dir, name)).size]));

const after: number[] = [];
// The same CLI on an empty folder, in turns with the starts after compaction: what the folder adds to a start.
const empty: number[] = [];
for (let i = 0; i < 3; i++) {
  const run = await startCli(['--data-dir', dir]);
  after.push(run.ms);
  await stop(run.child);
  const bare = await startCli(['--data-dir', folder()]);
  empty.push(bare.ms);
  await stop(bare.child);
}
process.stderr.write(
  `compaction ${Math.round(compactMs)} ms; folder ${bytesAfter} bytes; start-up ${after}; on an empty folder ${empty}\n`,
);

// The pause at the default threshold: this snapshot, plus a log just past 16 MiB of further changes.
const tail = Math.ceil((16 * 2 ** 20) / (bytesBefore / changes)) + 1;
writeChanges(join(dir, 'sandbox-log.ndjson'), changes, tail);
const grown = await openDurableMockServer({ dataDir: dir, compactAt: 2 ** 50 });
if (held(grown) !== changes + tail) throw new Error(`snapshot and tail hold ${held(grown)} changes`);
const tailStarted = performance.now();
grown.log.compact();
const compactTailMs = performance.now() - tailStarted;
grown.close();
process.stderr.write(
  `compaction of the snapshot and a 16 MiB log (${tail} changes): ${Math.round(compactTailMs)} ms\n`,
);
for (const made of folders) rmSync(made, { recursive: true, force: true });

process.stdout.write(
  `${JSON.stringify({
    changes,
    patchRps: Object.fromEntries(Object.entries(throughput).map(([k, v]) => [k, median(v)])),
    rounds,
    seconds,
    bytesBefore,
    startBeforeMs: before.ms,
    compactMs,
    bytesAfter,
    files,
    startAfterMs: median(after),
    startEmptyMs: median(empty),
    tail,
    compactTailMs,
  })}\n`,
);
process.exit(0);
