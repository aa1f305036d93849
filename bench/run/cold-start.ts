import { spawnSync } from 'node:child_process';
import { freePort } from '../loopback.js';
import { start, stop, until200 } from './processes.js';
import { median, prismBin, quick, TOKEN } from './settings.js';

async function coldStart(command: string, args: (port: number) => string[], path: string, runs: number) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const port = await freePort();
    const since = performance.now();
    const child = start(command, args(port));
    times.push(await until200(`http://127.0.0.1:${port}${path}`, { authorization: `Bearer ${TOKEN}` }, since, 60_000));
    await stop(child);
  }
  return median(times);
}

/** Milliseconds from process start to exit of `node -e 0`: what Node itself takes to start, on this machine now. */
function bareNodeStart(): number {
  const since = performance.now();
  spawnSync('node', ['-e', '0']);
  return performance.now() - since;
}

/**
 * Median milliseconds from process start to first 200, for the sandbox's CLI and for Prism's mock; and `node -e 0`'s
 * start, measured in turn with the CLI's so that both see the same machine.
 */
export async function measureColdStarts(): Promise<{ coldSandbox: number; coldPrism: number; coldNode: number }> {
  const runs = quick ? 3 : 9;
  const sandbox: number[] = [];
  const node: number[] = [];
  for (let i = 0; i < runs; i++) {
    node.push(bareNodeStart());
    sandbox.push(
      await coldStart(
        'node',
        (p) => ['packages/mock-server/dist/cli.js', '--port', String(p), '--quiet'],
        '/v2/agents/status',
        1,
      ),
    );
  }
  const coldPrism = await coldStart(
    prismBin,
    (p) => ['mock', 'openapi/freshchat.yaml', '-p', String(p), '-h', '127.0.0.1'],
    '/agents/status',
    quick ? 2 : 3,
  );
  return { coldSandbox: median(sandbox), coldPrism, coldNode: median(node) };
}
