/**
 * CPU per request of the sandbox's three main operations against plain node:http answering the same bytes (the
 * baseline of `bench`) and bare Hono answering them too: `GET /v2/agents/status`, `PATCH /v2/agents/{id}` (each
 * request a real change, the statuses alternating) and `GET /v2/reports/raw/{id}` (a completed job, three links).
 * All servers and a keep-alive client run in this one process, measured in short bursts taken in turn, so the drift
 * of this shared machine falls on all of them alike and no process has to wake another. The client's share is the
 * same for every server: the differences are the servers'. Beside the PATCH, node:http also answers after reading and
 * parsing the body ("body read"): the least a server that makes a change must do, which the baseline, answering at
 * once, does not. Then the in-process call: `client.GET('/agents/status')` through the sandbox's `app.fetch`, against
 * the same client on a bare Hono app answering the same bytes.
 *
 * `--check` compares each path's extra cost, as a share of the baseline's cost (so that the machine's speed and load
 * cancel out), with `bench/cost-baseline.json` and fails when one grew by more than the file's margin. `--write`
 * rewrites that file from this run.
 *
 * Usage (after a build): npx -y pnpm@10 bench:cost [rounds=15] [requests per burst=5000] [--check | --write]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createFreshchatClient } from '../packages/client/dist/index.js';
import { createMockServer, listen } from '../packages/mock-server/dist/index.js';
import { bareHonoApp } from './bare-hono-server.mjs';
import { identicalBytesServer, type RecordedAnswer, recordAnswer } from './identical-bytes-server.mjs';
import { AGENT, LUNCH, MEETING, TOKEN } from './run/settings.js';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const CHECK = process.argv.includes('--check');
const WRITE = process.argv.includes('--write');
const ROUNDS = Number(args[0] ?? 15);
const BURST = Number(args[1] ?? 5000);
const CONNECTIONS = 50;
const BASELINE_FILE = join(import.meta.dirname, 'cost-baseline.json');

/** One measured operation: the requests sent in turn (as bytes), and the key its recorded answer is served under. */
type Path = { name: string; key: string; requests: Buffer[] };

const wire = (method: string, path: string, body?: string) =>
  Buffer.from(
    `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKEN}\r\n` +
      (body === undefined
        ? '\r\n'
        : `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`),
  );

const sandbox = await listen({ port: 0, limits: { requestsPerMinute: 1e9 } });
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const day = 86_400_000;
const now = sandbox.clock.now();
const { id: reportId } = (await (
  await fetch(`${sandbox.url}/v2/reports/raw`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({
      start: new Date(now - 2 * day).toISOString(),
      end: new Date(now).toISOString(),
      event: 'Agent-IntelliAssign-Activity',
      format: 'csv',
    }),
  })
).json()) as { id: string };
await fetch(`${sandbox.url}/_mock/clock/advance`, { method: 'POST', headers: auth, body: '{"seconds":31}' });

const patchBodies = [MEETING, LUNCH].map((id) => JSON.stringify({ agent_status: { id } }));
const paths: Path[] = [
  { name: 'GET status', key: 'GET /v2/agents/status', requests: [wire('GET', '/v2/agents/status')] },
  {
    name: 'PATCH',
    key: `PATCH /v2/agents/${AGENT}`,
    requests: patchBodies.map((body) => wire('PATCH', `/v2/agents/${AGENT}`, body)),
  },
  {
    name: 'report GET',
    key: `GET /v2/reports/raw/${reportId}`,
    requests: [wire('GET', `/v2/reports/raw/${reportId}`)],
  },
];

// The sandbox's answers, recorded once, are what node:http and bare Hono answer.
const recorded: Record<string, RecordedAnswer> = {};
for (const path of paths) {
  const [method, url] = path.key.split(' ') as [string, string];
  const body = path.requests.length > 1 ? patchBodies[0] : undefined;
  const answer = await recordAnswer(await fetch(`${sandbox.url}${url}`, { method, headers: auth, body }));
  if (answer.status !== 200) throw new Error(`${path.key}: ${answer.status} ${answer.body}`);
  recorded[path.key] = answer;
}
const raw = identicalBytesServer(recorded);
// A write's floor: node:http reading and parsing the body before it answers, measured beside the PATCH only.
const reading = identicalBytesServer(recorded, { readBody: true });
const listenOn = (server: typeof raw) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
  );
const rawPort = await listenOn(raw);
const readingPort = await listenOn(reading);
const bare = bareHonoApp(recorded);
const barePort = await new Promise<number>((resolve) => {
  serve({ fetch: bare.fetch, port: 0, hostname: '127.0.0.1' }, (address) => resolve(address.port));
});
const ports: Record<string, number> = {
  'node:http': rawPort,
  'bare Hono': barePort,
  sandbox: Number(new URL(sandbox.url).port),
  'body read': readingPort,
};
/** The servers a path is measured on: the write's floor only where there is a body to read. */
const serversOf = (path: Path) => Object.keys(ports).filter((name) => name !== 'body read' || path.name === 'PATCH');

/**
 * Sends `total` requests over CONNECTIONS keep-alive sockets, each waiting for its answer before the next; the
 * requests of `path` are taken in turn across all sockets (a PATCH's statuses alternate, so each is a change).
 */
function run(port: number, path: Path, total: number): Promise<void> {
  let sent = 0;
  let done = 0;
  return new Promise((resolve, reject) => {
    for (let i = 0; i < CONNECTIONS; i++) {
      const socket = net.connect(port, '127.0.0.1');
      socket.setNoDelay(true);
      let buffer = '';
      const next = () => {
        if (sent < total) socket.write(path.requests[sent++ % path.requests.length] as Buffer);
        else socket.end();
      };
      socket.on('connect', next);
      socket.on('error', reject);
      socket.on('data', (chunk) => {
        buffer += chunk.toString('latin1');
        for (;;) {
          const end = buffer.indexOf('\r\n\r\n');
          if (end < 0) return;
          const length = Number(/content-length: (\d+)/i.exec(buffer.slice(0, end))?.[1]);
          if (buffer.length < end + 4 + length) return;
          if (!buffer.startsWith('HTTP/1.1 200')) return reject(new Error(buffer.slice(0, 300)));
          buffer = buffer.slice(end + 4 + length);
          if (++done === total) resolve();
          next();
        }
      });
    }
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const cpuSince = (before: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(before);
  return used.user + used.system;
};

/** One figure per path: the medians per round of CPU per request, extra over node:http, and that extra's share. */
type Figure = { baseUs: number; sandboxUs: number; extraUs: number; extraShare: number };
const figures: Record<string, Figure> = {};
process.stdout.write(
  `${ROUNDS} rounds of ${BURST} requests, ${CONNECTIONS} connections; client included; load ${loadAverage()}\n`,
);
for (const path of paths) {
  const names = serversOf(path);
  for (const name of names) await run(ports[name] as number, path, 5000); // warm-up
  const cpu: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of round % 2 ? [...names].reverse() : names) {
      const before = process.cpuUsage();
      await run(ports[name] as number, path, BURST);
      cpu[name]?.push(cpuSince(before) / BURST);
    }
  }
  const base = cpu['node:http'] as number[];
  for (const name of names) {
    const xs = cpu[name] as number[];
    const extra = median(xs.map((x, i) => x - (base[i] as number)));
    const share = median(xs.map((x, i) => (base[i] as number) / x));
    process.stdout.write(
      `${path.name.padEnd(10)} ${name.padEnd(9)} ${median(xs).toFixed(1)} µs CPU per request, ${extra >= 0 ? '+' : ''}${extra.toFixed(1)} µs over node:http, node:http's cost ÷ this ${share.toFixed(2)}\n`,
    );
  }
  const sandboxCpu = cpu.sandbox as number[];
  figures[path.name] = {
    baseUs: median(base),
    sandboxUs: median(sandboxCpu),
    extraUs: median(sandboxCpu.map((x, i) => x - (base[i] as number))),
    extraShare: median(sandboxCpu.map((x, i) => (x - (base[i] as number)) / (base[i] as number))),
  };
}
await sandbox.stop();
raw.close();
reading.close();

// In-process: the same client call on the sandbox's app.fetch and on a bare Hono app answering the same bytes.
const mock = createMockServer({ limits: { requestsPerMinute: 1e9 } });
const bareApp = bareHonoApp({ 'GET /v2/agents/status': recorded['GET /v2/agents/status'] as RecordedAnswer });
const clients = {
  'bare Hono': createFreshchatClient({
    baseUrl: 'http://sandbox.local/v2',
    token: TOKEN,
    fetch: async (req: Request) => bareApp.fetch(req),
  }),
  sandbox: createFreshchatClient({
    baseUrl: 'http://sandbox.local/v2',
    token: TOKEN,
    fetch: (req: Request) => mock.app.fetch(req),
  }),
};
const CALLS = BURST * 2;
const inProcess: Record<string, number[]> = { 'bare Hono': [], sandbox: [] };
const callBurst = async (client: (typeof clients)['sandbox'], n: number) => {
  for (let i = 0; i < n; i++) {
    const { data } = await client.GET('/agents/status');
    if (!data) throw new Error('no data');
  }
};
for (const client of Object.values(clients)) await callBurst(client, CALLS);
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 ? (['sandbox', 'bare Hono'] as const) : (['bare Hono', 'sandbox'] as const);
  for (const name of order) {
    const before = process.cpuUsage();
    await callBurst(clients[name], CALLS);
    inProcess[name]?.push(cpuSince(before) / CALLS);
  }
}
mock.close();
const bareIn = inProcess['bare Hono'] as number[];
const sandboxIn = inProcess.sandbox as number[];
const inProcessExtra = median(sandboxIn.map((x, i) => x - (bareIn[i] as number)));
process.stdout.write(
  `in-process client.GET('/agents/status'): sandbox ${median(sandboxIn).toFixed(1)} µs CPU per call, bare Hono ${median(bareIn).toFixed(1)} µs, +${inProcessExtra.toFixed(1)} µs\n`,
);
figures['in-process'] = {
  baseUs: median(bareIn),
  sandboxUs: median(sandboxIn),
  extraUs: inProcessExtra,
  extraShare: median(sandboxIn.map((x, i) => (x - (bareIn[i] as number)) / (bareIn[i] as number))),
};
process.stdout.write(`load after the run ${loadAverage()}\n`);

/**
 * The committed baseline: each path's extra cost as a share of its baseline's (node:http; bare Hono in-process), and
 * by how much that share may grow before `--check` fails.
 */
type Baseline = { margin: number; measured: string; extraShare: Record<string, number> };
if (WRITE) {
  const previous = JSON.parse(readFileSync(BASELINE_FILE, 'utf8')) as Baseline;
  const extraShare = Object.fromEntries(Object.entries(figures).map(([k, f]) => [k, round2(f.extraShare)]));
  const next: Baseline = { margin: previous.margin, measured: new Date().toISOString().slice(0, 10), extraShare };
  writeFileSync(BASELINE_FILE, `${JSON.stringify(next, null, 2)}\n`);
  process.stdout.write(`wrote ${BASELINE_FILE}\n`);
}
if (CHECK) {
  const baseline = JSON.parse(readFileSync(BASELINE_FILE, 'utf8')) as Baseline;
  let failed = false;
  for (const [name, figure] of Object.entries(figures)) {
    const allowed = (baseline.extraShare[name] ?? Number.POSITIVE_INFINITY) + baseline.margin;
    const ok = figure.extraShare <= allowed;
    failed ||= !ok;
    process.stdout.write(
      `${ok ? 'ok  ' : 'FAIL'} ${name}: extra cost ${(figure.extraShare * 100).toFixed(0)} % of the baseline's, allowed ${(allowed * 100).toFixed(0)} %\n`,
    );
  }
  if (failed) {
    process.stderr.write(
      'bench:cost --check: a path costs more over its baseline than bench/cost-baseline.json allows\n',
    );
    process.exit(1);
  }
}
process.exit(0);

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function loadAverage(): string {
  return loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
}
