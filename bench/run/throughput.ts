import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { recordAnswer } from '../identical-bytes-server.mjs';
import { freePort } from '../loopback.js';
import { rssMB, start, stop, until200 } from './processes.js';
import { AGENT, CONNECTIONS, DURATION, LUNCH, MEETING, prismBin, ROUNDS, TOKEN } from './settings.js';

// One operation under load; `bodies` are sent in turn. With `paths`, each connection sends them to its own path.
type Scenario = { name: string; method: 'GET' | 'PATCH'; path: string; bodies?: string[]; paths?: string[] };
type Target = { name: string; origin: string; prefix: string };
/** Per-round figures of one operation on one server. */
export type Cell = { rps: number[]; p99: number[] };

/** What the throughput rounds found: cells keyed `operation|server`, and the sandbox's memory around them. */
export type Throughput = {
  scenarios: Scenario[];
  results: Map<string, Cell>;
  sandboxRssBefore: number;
  sandboxRssAfter: number;
  sandboxRequests: number;
};

async function load(target: Target, scenario: Scenario, seconds: number) {
  const url = `${target.origin}${target.prefix}${scenario.path}`;
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  const requestsTo = (path: string) =>
    (scenario.bodies ?? []).map((body) => ({ method: scenario.method, path, body, headers }));
  const paths = scenario.paths;
  let clients = 0;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    method: scenario.method,
    headers,
    ...(scenario.bodies ? { requests: requestsTo(new URL(url).pathname) } : {}),
    ...(paths
      ? {
          setupClient: (client: autocannon.Client) =>
            client.setRequests(requestsTo(`${target.prefix}${paths[clients++ % paths.length]}`)),
        }
      : {}),
  });
  const ok = result['2xx'];
  const total = ok + result.non2xx;
  if (total > 0 && result.non2xx / total > 0.01)
    throw new Error(`${target.name} ${scenario.name}: ${result.non2xx} non-2xx answers`);
  return { rps: result.requests.average, p99: result.latency.p99, total: total };
}

/**
 * Throughput and p99 of three operations on node:http and on bare Hono (both answering the sandbox's exact bytes),
 * the sandbox's CLI and Prism's mock, in alternating rounds. Starts the four servers; stops the sandbox at the end,
 * leaves the others running (the runner stops them after the cold starts).
 */
export async function measureThroughput(): Promise<Throughput> {
  // --- servers -----------------------------------------------------------------------------------------------
  const mockPort = await freePort();
  const mockChild = start('node', [
    'packages/mock-server/dist/cli.cjs',
    '--port',
    String(mockPort),
    '--quiet',
    '--rate-limit',
    '1000000000',
  ]);
  const mockOrigin = `http://127.0.0.1:${mockPort}`;
  await until200(`${mockOrigin}/v2/agents/status`, { authorization: `Bearer ${TOKEN}` }, performance.now());
  const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

  // A completed report, so GET /reports/raw/{id} answers with signed links.
  const day = 86_400_000;
  const now = Date.parse(
    ((await (await fetch(`${mockOrigin}/_mock/clock`, { headers: auth })).json()) as { now: string }).now,
  );
  const reportBody = JSON.stringify({
    start: new Date(now - 2 * day).toISOString(),
    end: new Date(now).toISOString(),
    event: 'Agent-IntelliAssign-Activity',
    format: 'csv',
  });
  const { id: reportId } = (await (
    await fetch(`${mockOrigin}/v2/reports/raw`, { method: 'POST', headers: auth, body: reportBody })
  ).json()) as { id: string };
  await fetch(`${mockOrigin}/_mock/clock/advance`, { method: 'POST', headers: auth, body: '{"seconds":31}' });

  // Each connection changes its own agent between two statuses, so that every PATCH is a change: with one agent for
  // all connections, about half the PATCHes found it on the status asked already, and changed nothing.
  const agentPaths = [`/agents/${AGENT}`];
  while (agentPaths.length < CONNECTIONS) {
    const body = JSON.stringify({ first_name: 'Bench', last_name: `Agent ${agentPaths.length}` });
    const made = await fetch(`${mockOrigin}/_mock/agents`, { method: 'POST', headers: auth, body });
    if (made.status !== 201) throw new Error(`creating a bench agent: ${made.status} ${await made.text()}`);
    agentPaths.push(`/agents/${((await made.json()) as { id: string }).id}`);
  }
  const patchBodies = [MEETING, LUNCH].map((id) => JSON.stringify({ agent_status: { id } }));
  const scenarios: Scenario[] = [
    { name: 'GET /v2/agents/status', method: 'GET', path: '/agents/status' },
    {
      name: 'PATCH /v2/agents/{id}',
      method: 'PATCH',
      path: `/agents/${AGENT}`,
      bodies: patchBodies,
      paths: agentPaths,
    },
    { name: 'GET /v2/reports/raw/{id}', method: 'GET', path: `/reports/raw/${reportId}` },
  ];

  // Record the mock's exact answers for the node:http baseline.
  const recorded: Record<string, { status: number; headers: Record<string, string>; body: string }> = {};
  for (const s of scenarios) {
    const r = await fetch(`${mockOrigin}/v2${s.path}`, { method: s.method, headers: auth, body: s.bodies?.[0] });
    const answer = await recordAnswer(r);
    // Every agent's PATCH answers the same bytes: the status it now has.
    for (const path of s.paths ?? [s.path]) recorded[`${s.method} /v2${path}`] = answer;
  }
  const recordedFile = join(mkdtempSync(join(tmpdir(), 'bench-')), 'recorded.json');
  writeFileSync(recordedFile, JSON.stringify(recorded));
  const rawPort = await freePort();
  start('node', ['bench/identical-bytes-server.mjs', String(rawPort), recordedFile]);
  const rawOrigin = `http://127.0.0.1:${rawPort}`;
  await until200(`${rawOrigin}/v2/agents/status`, {}, performance.now());
  const barePort = await freePort();
  start('node', ['bench/bare-hono-server.mjs', String(barePort), recordedFile]);
  const bareOrigin = `http://127.0.0.1:${barePort}`;
  await until200(`${bareOrigin}/v2/agents/status`, {}, performance.now());

  const prismPort = await freePort();
  start(prismBin, ['mock', 'openapi/freshchat.yaml', '-p', String(prismPort), '-h', '127.0.0.1']);
  const prismOrigin = `http://127.0.0.1:${prismPort}`;
  await until200(`${prismOrigin}/agents/status`, { authorization: `Bearer ${TOKEN}` }, performance.now(), 60_000);

  const targets: Target[] = [
    { name: 'node:http', origin: rawOrigin, prefix: '/v2' },
    { name: 'bare Hono', origin: bareOrigin, prefix: '/v2' },
    { name: 'sandbox', origin: mockOrigin, prefix: '/v2' },
    { name: 'prism mock', origin: prismOrigin, prefix: '' },
  ];

  const sandboxRssBefore = rssMB(mockChild.pid);
  let sandboxRequests = 0;

  // --- throughput and p99 ------------------------------------------------------------------------------------
  const results = new Map<string, Cell>();
  for (const s of scenarios) {
    for (const t of targets) {
      const warm = await load(t, s, 1); // warm-up
      if (t.name === 'sandbox') sandboxRequests += warm.total;
    }
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate the order each round so no server always runs on a hotter or cooler machine.
      const order = round % 2 ? [...targets].reverse() : targets;
      for (const t of order) {
        const r = await load(t, s, DURATION);
        if (t.name === 'sandbox') sandboxRequests += r.total;
        const key = `${s.name}|${t.name}`;
        const cell = results.get(key) ?? { rps: [], p99: [] };
        cell.rps.push(r.rps);
        cell.p99.push(r.p99);
        results.set(key, cell);
        process.stderr.write(`${s.name} ${t.name}: ${Math.round(r.rps)} req/s, p99 ${r.p99} ms\n`);
      }
    }
  }
  const sandboxRssAfter = rssMB(mockChild.pid);
  await stop(mockChild);
  return { scenarios, results, sandboxRssBefore, sandboxRssAfter, sandboxRequests };
}
