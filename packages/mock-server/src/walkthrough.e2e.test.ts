/**
 * docs/walkthrough.md's shell block, run as written with `sh` (POSIX, no bash or GNU options) against the built
 * command on a free port: the guide's commands keep working, and the report they download holds what they did.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type CliProcess, ensureBuiltCli, startCli } from './robustness/testing/cli-process.js';

const GUIDE = new URL('../../../docs/walkthrough.md', import.meta.url);
const DEFAULT_BASE = 'B=http://127.0.0.1:4010';

/** The guide's first `sh` block, pointed at `base` instead of the default port. */
function walkthroughScript(base: string): string {
  const block = /```sh\n([\s\S]*?)```/.exec(readFileSync(GUIDE, 'utf8'))?.[1];
  if (block === undefined || !block.includes(DEFAULT_BASE)) throw new Error(`no sh block setting ${DEFAULT_BASE}`);
  return `set -e\n${block.replace(DEFAULT_BASE, `B=${base}`)}`;
}

let cli: CliProcess;
let workDir: string;

beforeAll(async () => {
  await ensureBuiltCli();
  cli = await startCli(['--port', '0', '--quiet']);
  workDir = mkdtempSync(join(tmpdir(), 'walkthrough-'));
}, 180_000);

afterAll(async () => {
  cli?.child.kill('SIGTERM');
  await cli?.exited;
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

it('the walkthrough requests a report, sees it PENDING then COMPLETED, downloads every link, then the same window in three parts', async () => {
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile('sh', ['-c', walkthroughScript(cli.url)], { cwd: workDir, timeout: 30_000 }, (error, out, err) =>
      error ? reject(new Error(`${error.message}\n${out}\n${err}`)) : resolve(out),
    ),
  );
  const pending = stdout.indexOf('"status":"PENDING"');
  expect(pending).toBeGreaterThan(-1);
  expect(stdout.indexOf('"status":"COMPLETED"')).toBeGreaterThan(pending);

  const csvOf = (name: string) =>
    Object.values(unzipSync(readFileSync(join(workDir, name)))).map((bytes) => new TextDecoder().decode(bytes))[0] ??
    '';
  expect(readdirSync(workDir).sort()).toEqual(['part-1.zip', 'split-1.zip', 'split-2.zip', 'split-3.zip']);
  const csv = csvOf('part-1.zip');
  // The same window in three parts: the same rows' seconds, added up per agent and status.
  const seconds = (texts: string[]) => {
    const total = new Map<string, number>();
    for (const line of texts.flatMap((text) => text.split('\n').slice(1)).filter(Boolean)) {
      const [name, , , status, inSeconds] = line.split(',');
      total.set(`${name} ${status}`, (total.get(`${name} ${status}`) ?? 0) + Number(inSeconds));
    }
    return Object.fromEntries([...total].sort());
  };
  expect(seconds(['split-1.zip', 'split-2.zip', 'split-3.zip'].map(csvOf))).toEqual(seconds([csv]));
  // As docs/walkthrough.md says: the history is minutes old, so the first two thirds of the day hold no rows.
  expect(['split-1.zip', 'split-2.zip'].map((name) => csvOf(name).split('\n').filter(Boolean).length)).toEqual([1, 1]);
  // John Doe went to Meeting, the clock moved 600 s, and the window ends at the clock's time in whole seconds. The
  // command's clock follows real time (the guide starts it plainly): the whole seconds cut from the window's end, and
  // the real time the commands take on a loaded machine, leave 599 to 602.
  expect(csv).toMatch(/^John Doe,afd5102c-5443-4fe3-a069-4fe25189a0a1,inactive,Meeting,(599|60[0-2]),/m);
});
