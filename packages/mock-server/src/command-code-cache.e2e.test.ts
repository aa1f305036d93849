/**
 * The installed command's code cache (`bin/code-cache.js`), as a user meets it: written once the sandbox has answered,
 * read by the next start, replaced when V8 refuses it, never read from a folder others can write to, and off with
 * Node's own switch. Each test has a temporary folder of its own as `TMPDIR`; `NODE_DEBUG=freshchat-sandbox` makes
 * the command say what its cache did.
 */
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BIN, type CliProcess, ensureBuiltCli, runCli, startCli } from './robustness/testing/cli-process.js';
import { TOKEN } from './testing/sandbox-harness.js';

let temp: string;
let running: CliProcess | undefined;
const folder = () => join(temp, `freshchat-sandbox-code-cache-${process.getuid?.() ?? 'user'}`);
const caches = () => readdirSync(folder()).filter((name) => name.endsWith('.bin'));
const env = (more: Record<string, string> = {}) => ({ TMPDIR: temp, NODE_DEBUG: 'freshchat-sandbox', ...more });

/**
 * Starts the command (`bin`, the package's own by default), asks it for the statuses once, and stops it with SIGTERM;
 * returns what it printed on stderr.
 */
async function startAnswerStop(more: Record<string, string> = {}, bin = BIN): Promise<string> {
  running = await startCli(['--port', '0', '--quiet'], 20_000, env(more), bin);
  const answer = await fetch(`${running.url}/v2/agents/status`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(answer.status).toBe(200);
  running.child.kill('SIGTERM');
  expect((await running.exited).code).toBe(0);
  const { stderr } = running.output;
  running = undefined;
  return stderr;
}

beforeAll(ensureBuiltCli, 240_000);
beforeEach(() => {
  temp = mkdtempSync(join(tmpdir(), 'code-cache-'));
});
afterEach(() => {
  running?.child.kill('SIGKILL');
  running = undefined;
  rmSync(temp, { recursive: true, force: true });
});

describe('the command’s code cache', () => {
  it('is written after the first answer, for this Node, in a folder of the user’s alone, and read by the next start', async () => {
    const first = await startAnswerStop();
    expect(first).toMatch(/code cache: none at \S+; written after the first answer/);
    expect(first).toMatch(/code cache: wrote \S+\.bin/);
    const [cache] = caches();
    expect(caches()).toHaveLength(1);
    expect(cache).toMatch(new RegExp(`^${process.version}-${process.arch}-\\d+-\\d+-\\d+-\\d+\\.bin$`));
    if (process.getuid) {
      expect(statSync(folder()).mode & 0o777).toBe(0o700);
      expect(statSync(join(folder(), cache as string)).mode & 0o777).toBe(0o600);
    }

    const second = await startAnswerStop();
    expect(second).toContain(`code cache: read ${join(folder(), cache as string)}`);
    expect(second).not.toContain('code cache: wrote');
  });

  it('is kept apart for each path the bundle is installed at, since its stack traces name the path it was cached from', async () => {
    await startAnswerStop();
    // Another install: a copy of the bin beside the same built files, reached through another path.
    const elsewhere = join(temp, 'elsewhere');
    mkdirSync(elsewhere);
    cpSync(dirname(BIN), join(elsewhere, 'bin'), { recursive: true });
    symlinkSync(join(dirname(BIN), '..', 'dist'), join(elsewhere, 'dist'));
    const stderr = await startAnswerStop({}, join(elsewhere, 'bin', 'freshchat-sandbox.js'));
    expect(stderr).toMatch(/code cache: none at \S+; written after the first answer/);
    expect(caches()).toHaveLength(2);
  });

  it('is kept apart for each set of Node flags, since V8 refuses a cache made under other flags', async () => {
    const flagged = { NODE_OPTIONS: '--max-old-space-size=300' };
    await startAnswerStop();
    expect(await startAnswerStop(flagged)).toMatch(/code cache: none at \S+; written after the first answer/);
    expect(caches()).toHaveLength(2);
    // Each set of flags reads its own: neither start rejects, and so rewrites, the other's.
    expect(await startAnswerStop()).toContain('code cache: read');
    expect(await startAnswerStop(flagged)).toContain('code cache: read');
  });

  it('is not written by a run that answers nothing (--help)', async () => {
    const { code, stderr } = await runCli(['--help'], env(), BIN);
    expect(code).toBe(0);
    expect(stderr).toContain('written after the first answer');
    expect(stderr).not.toContain('code cache: wrote');
    expect(statSync(folder(), { throwIfNoEntry: false })).toBeUndefined();
  });

  it('replaces a damaged cache without running it, and the command answers all the same', async () => {
    await startAnswerStop();
    const cache = join(folder(), caches()[0] as string);
    // One byte changed deep inside: V8 checks a cache's header, not the whole of it.
    const bytes = readFileSync(cache);
    const at = bytes.length - 1000;
    bytes[at] = (bytes[at] as number) ^ 0xff;
    writeFileSync(cache, bytes);
    let stderr = await startAnswerStop();
    expect(stderr).toContain(`code cache: damaged ${cache}`);
    expect(stderr).toContain(`code cache: wrote ${cache}`);
    expect(readFileSync(cache)[at]).not.toBe(bytes[at]);

    writeFileSync(cache, Buffer.alloc(2));
    stderr = await startAnswerStop();
    expect(stderr).toContain(`code cache: damaged ${cache}`);
    expect(stderr).toContain(`code cache: wrote ${cache}`);
  });

  it.skipIf(!process.getuid)('neither reads nor writes a folder that others can write to', async () => {
    await startAnswerStop();
    chmodSync(folder(), 0o777);
    const stderr = await startAnswerStop();
    expect(stderr).toContain('is not this user');
    expect(stderr).not.toMatch(/code cache: (read|wrote)/);
  });

  it('is off with NODE_DISABLE_COMPILE_CACHE, as Node’s own is', async () => {
    const stderr = await startAnswerStop({ NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(stderr).toContain('code cache: off (NODE_DISABLE_COMPILE_CACHE)');
    expect(statSync(folder(), { throwIfNoEntry: false })).toBeUndefined();
  });
});
