import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The mock-server package's folder. */
const PACKAGE_DIR = fileURLToPath(new URL('../../../', import.meta.url));
/** The built command line. */
const CLI = join(PACKAGE_DIR, 'dist', 'cli.cjs');
/** The installed command, which runs the built one (through its code cache): what `pnpm start` and users run. */
export const BIN = join(PACKAGE_DIR, 'bin', 'freshchat-sandbox.js');

/** The newest modification time of the TypeScript files below `dir` (tests and `testing/` left out). */
function newestSource(dir = join(PACKAGE_DIR, 'src')): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'testing') newest = Math.max(newest, newestSource(path));
    } else if (entry.name.endsWith('.ts') && !/\.test(-d)?\.ts$/.test(entry.name)) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

const isFresh = () =>
  existsSync(CLI) && statSync(CLI).mtimeMs >= Math.max(newestSource(), newestSource(join(PACKAGE_DIR, 'scripts')));

/**
 * Makes sure `dist/cli.cjs` is built from the current sources as the package build makes it: `tsc -p
 * tsconfig.build.json`, then `scripts/build-cli.ts`, when a source is newer. A lock folder keeps two test files
 * from building at once.
 */
export async function ensureBuiltCli(): Promise<void> {
  if (isFresh()) return;
  const lock = join(tmpdir(), `freshchat-sandbox-build-${Buffer.from(PACKAGE_DIR).toString('hex').slice(-24)}.lock`);
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Someone else builds; a lock older than three minutes is left over from a killed run.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 180_000) rmSync(lock, { recursive: true });
      if (Date.now() > deadline) throw new Error(`could not take the build lock ${lock}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    if (isFresh()) return;
    // TypeScript is the workspace root's dev dependency: no bin is linked into this package, so resolve it.
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const started = Date.now();
    // tsc writes its output even when some file has a type error; what matters is a fresh cli.cjs.
    const built = await buildStep([tsc, '-p', 'tsconfig.build.json'], 150_000);
    // Then the package build's second step, so that the tests run the one-file CLI users get.
    const bundled = await buildStep(['--import', 'tsx', 'scripts/build-cli.ts'], 60_000);
    if (!existsSync(CLI) || statSync(CLI).mtimeMs < started - 1000) {
      throw new Error(`building the CLI failed:\n${built}\n${bundled}`);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Runs one build step with Node in the package's folder; resolves with its output and error, if any. */
function buildStep(args: string[], timeout: number): Promise<string> {
  return new Promise<string>((resolve) => {
    execFile(process.execPath, args, { cwd: PACKAGE_DIR, timeout }, (error, stdout, stderr) =>
      resolve(`${stdout}${stderr}${error ? `\n${error.message}` : ''}`),
    );
  });
}

/** A running CLI process. */
export type CliProcess = {
  child: ChildProcess;
  /** The base URL from the first line it printed. */
  url: string;
  /** Everything it printed on stdout and stderr so far. */
  output: { stdout: string; stderr: string };
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

/**
 * Runs the CLI with `args` (and `env` added to this process's environment) and resolves once it printed its base URL.
 * `command` is the built bundle unless given (`BIN`).
 */
export async function startCli(
  args: string[],
  timeoutMs = 20_000,
  env: Record<string, string> = {},
  command = CLI,
): Promise<CliProcess> {
  const child = spawn(process.execPath, [command, ...args], {
    cwd: PACKAGE_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const output = { stdout: '', stderr: '' };
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  child.stderr?.on('data', (chunk: Buffer) => {
    output.stderr += chunk.toString('utf8');
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the CLI did not start within ${timeoutMs} ms:\n${output.stdout}\n${output.stderr}`));
    }, timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      output.stdout += chunk.toString('utf8');
      const match = /^Freshchat sandbox listening on (http:\/\/\S+) /m.exec(output.stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the CLI exited (${code ?? signal}) before it listened:\n${output.stdout}\n${output.stderr}`));
    });
  });
  return { child, url, output, exited };
}

/**
 * Runs the CLI to its end (for `--help` and bad options), with `env` added to this process's environment. `command` is
 * the built bundle unless given (`BIN`).
 */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
  command = CLI,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const options = { cwd: PACKAGE_DIR, timeout: 20_000, env: { ...process.env, ...env } };
    execFile(process.execPath, [command, ...args], options, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
}
