import { spawnSync } from 'node:child_process';
import { freePort } from '../loopback.js';
import { otherNodes } from './other-nodes.js';
import { start, stop, until200 } from './processes.js';
import { median, prismBin, quick, TOKEN } from './settings.js';

/**
 * One Node's cold starts, medians in ms: the sandbox's command, `node -e 0`, and the floor of a server's first 200
 * (plain node:http, and a bare Hono app on @hono/node-server: `bench/cold-start-floor.cjs`); `missing` says why there
 * are none.
 */
export type ColdStartRun = {
  node: string;
  sandboxMs: number;
  nodeMs: number;
  httpMs: number;
  honoMs: number;
  missing?: string;
};

/** Median milliseconds from spawning `command` to its first 200 (see `until200`). */
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
function bareNodeStart(node: string): number {
  const since = performance.now();
  spawnSync(node, ['-e', '0']);
  return performance.now() - since;
}

/** The floors' script: plain node:http, or a bare Hono app, answering their first GET. */
const FLOOR = 'bench/cold-start-floor.cjs';

/**
 * Medians of `runs` starts of `entry` on `node` to its first 200, each in turn with a start of `node -e 0` and of the
 * two floors (plain node:http, bare Hono), so that all four see the same machine.
 */
async function sandboxAgainstNode(node: string, entry: string, runs: number) {
  const sandbox: number[] = [];
  const bare: number[] = [];
  const http: number[] = [];
  const hono: number[] = [];
  const path = '/v2/agents/status';
  for (let i = 0; i < runs; i++) {
    bare.push(bareNodeStart(node));
    http.push(await coldStart(node, (p) => [FLOOR, 'node-http', '--port', String(p)], path, 1));
    hono.push(await coldStart(node, (p) => [FLOOR, 'hono', '--port', String(p)], path, 1));
    sandbox.push(await coldStart(node, (p) => [entry, '--port', String(p), '--quiet'], path, 1));
  }
  return { sandboxMs: median(sandbox), nodeMs: median(bare), httpMs: median(http), honoMs: median(hono) };
}

/** The sandbox's command as `pnpm start` and `npx freshchat-sandbox` run it (it reads its code cache of the bundle). */
const COMMAND = 'packages/mock-server/bin/freshchat-sandbox.js';

/**
 * Median milliseconds from process start to first 200: the sandbox's command, with `node -e 0` and the two floors in
 * turn with it, so that all see the same machine, and Prism's mock; then the same on each other supported Node. On each
 * Node, the command's code cache is written by a first start, as a user's later starts find it.
 */
export async function measureColdStarts(): Promise<{
  coldHere: ColdStartRun;
  coldPrism: number;
  coldOnNodes: ColdStartRun[];
}> {
  const runs = quick ? 3 : 9;
  // Not counted: this start writes the code cache, which the measured ones read as a user's later starts do.
  await sandboxAgainstNode('node', COMMAND, 1);
  const here = await sandboxAgainstNode('node', COMMAND, runs);
  const coldPrism = await coldStart(
    prismBin,
    (p) => ['mock', 'openapi/freshchat.yaml', '-p', String(p), '-h', '127.0.0.1'],
    '/agents/status',
    quick ? 2 : 3,
  );
  const coldOnNodes: ColdStartRun[] = [];
  for (const { major, binary, missing } of otherNodes()) {
    if (!binary) {
      const none = Number.NaN;
      coldOnNodes.push({ node: `v${major}`, sandboxMs: none, nodeMs: none, httpMs: none, honoMs: none, missing });
      continue;
    }
    const version = spawnSync(binary, ['-v'], { encoding: 'utf8' }).stdout.trim();
    await sandboxAgainstNode(binary, COMMAND, 1); // writes the code cache, as above
    coldOnNodes.push({
      node: version,
      ...(await sandboxAgainstNode(binary, COMMAND, runs)),
    });
  }
  return { coldHere: { node: process.version, ...here }, coldPrism, coldOnNodes };
}
