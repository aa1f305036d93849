import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A `prism proxy` process started by {@link startPrism}. */
export type RunningPrism = {
  /** Where Prism listens, such as `http://127.0.0.1:39123`; the document's paths are served right under it. */
  url: string;
  /** Prism's recent output (stdout and stderr), for error messages. */
  output(): string;
  /** Stops the process and waits for it to exit. */
  stop(): Promise<void>;
};

/** Options of {@link startPrism}. */
export type StartPrismOptions = {
  /** Path of the OpenAPI document Prism validates against. */
  document: string;
  /** Where Prism forwards requests; the request path is appended (so `${mock.url}/v2` for freshchat.yaml). */
  upstream: string;
  /** How long to wait for Prism to answer. Default 90 s. */
  timeoutMs?: number;
};

/** The installed `@stoplight/prism-cli`: the script of its `prism` command, its version and the Node it needs. */
type PrismInstall = { script: string; version: string; node: string | undefined };

/**
 * Finds `@stoplight/prism-cli` wherever it resolves for this package: its own dev dependency in this repository, or a
 * consumer's install of the optional peer dependency. Looked up when Prism is started, so that importing the package
 * never needs Prism.
 */
function findPrism(): PrismInstall {
  const require = createRequire(import.meta.url);
  let manifest: string;
  try {
    manifest = require.resolve('@stoplight/prism-cli/package.json');
  } catch (error) {
    if ((error as { code?: string }).code !== 'MODULE_NOT_FOUND') throw error;
    throw new Error(
      'startPrism needs @stoplight/prism-cli, an optional peer dependency of @freshchat-sandbox/contract-tests: ' +
        'npm install --save-dev @stoplight/prism-cli@5.14.2 (5.15 and later need Node 24)',
      { cause: error },
    );
  }
  const { bin, version, engines } = require(manifest) as {
    bin?: string | Record<string, string>;
    version: string;
    engines?: { node?: string };
  };
  const script = typeof bin === 'string' ? bin : bin?.prism;
  if (!script) throw new Error(`@stoplight/prism-cli ${version} (${manifest}) has no prism command`);
  return { script: join(dirname(manifest), script), version, node: engines?.node };
}

/** Preloaded into Prism so that it never outlives the process that started it. */
const WATCHDOG = fileURLToPath(new URL('./prism-watchdog.cjs', import.meta.url));

/**
 * Starts `prism proxy <document> <upstream> --errors` on a free port of 127.0.0.1 and resolves once it answers.
 *
 * `--errors` turns an answer that violates the document into Prism's own `500` (with the `sl-violations` header).
 * Request validation is off (`--validate-request=false`): with `--errors` on, Prism would otherwise answer an
 * invalid request itself (`422`) instead of forwarding it, and the suite's deliberately invalid requests (the `400`,
 * `413` and `415` checks) would never reach the server under test. Prism's security check stays on, so a request
 * without any bearer token gets Prism's own `401`; the suite's `401` checks send a wrong token instead.
 *
 * @example
 * const mock = await listen({ port: 0 });
 * const prism = await startPrism({ document: documentPath('freshchat.yaml'), upstream: `${mock.url}/v2` });
 * const freshchat = createFreshchatClient({ baseUrl: prism.url, token: 'sandbox-token' });
 * await prism.stop();
 */
export async function startPrism(options: StartPrismOptions): Promise<RunningPrism> {
  // Prism takes 3 to 5 s to start on an idle two-core machine; a loaded one (every package testing at once) can take
  // several times that, and a start-up timeout is not what the suite tests.
  const { timeoutMs = 90_000 } = options;
  const prismCli = findPrism();
  // A port found free can be taken before Prism binds it; a start that fails that way is retried on another port.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(prismCli, options, await freePort(), timeoutMs);
    } catch (error) {
      if (attempt >= 3 || !String(error).includes('EADDRINUSE')) throw error;
    }
  }
}

async function startOnce(
  prismCli: PrismInstall,
  { document, upstream }: StartPrismOptions,
  port: number,
  timeoutMs: number,
): Promise<RunningPrism> {
  const args = [
    'proxy',
    document,
    upstream,
    '--errors',
    '--validate-request=false',
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--multiprocess=false',
    '--verboseLevel',
    'error',
  ];
  // Node runs the script itself: no `.bin` link to find, and no shell on Windows.
  const child = spawn(process.execPath, [prismCli.script, ...args], {
    // stdin stays a pipe from this process: the watchdog ends Prism when it closes.
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      ...process.env,
      FORCE_COLOR: '0',
      NODE_ENV: 'test',
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${JSON.stringify(WATCHDOG)}`.trim(),
    },
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exitedOf(child).then(() => process.off('exit', killOnExit));
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = exitedOf(child);
  const url = `http://127.0.0.1:${port}`;
  const output = () => lines.join('\n');
  const prism: RunningPrism = { url, output, stop: () => stop(child, exited) };

  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  while (!gone) {
    // Any HTTP answer (Prism answers `/` with a 404 problem) means it listens.
    const answered = await fetch(`${url}/`, { signal: AbortSignal.timeout(1000) }).then(
      async (res) => {
        await res.arrayBuffer();
        return true;
      },
      () => false,
    );
    if (answered) return prism;
    if (Date.now() > deadline) {
      await prism.stop();
      throw new Error(`prism did not answer on ${url} within ${timeoutMs} ms:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // A Prism too new for this Node (5.15 and later need Node 24) exits at once; say which one ran, on which Node.
  const ran = `@stoplight/prism-cli ${prismCli.version}${prismCli.node ? ` (needs Node ${prismCli.node})` : ''}`;
  throw new Error(
    `prism exited (code ${await exited}) before answering on ${url}; ${ran} on Node ${process.version}:\n${output()}`,
  );
}

async function stop(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

const exitCodes = new WeakMap<ChildProcess, Promise<number | null>>();

/** Resolves with the child's exit code once it has exited. */
function exitedOf(child: ChildProcess): Promise<number | null> {
  let exited = exitCodes.get(child);
  if (!exited) {
    exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    exitCodes.set(child, exited);
  }
  return exited;
}

/** A port that was free on 127.0.0.1 a moment ago. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
