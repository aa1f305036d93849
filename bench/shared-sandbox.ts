/**
 * A shared sandbox under load stays responsive: the worst latency of `GET /v2/agents/status`, asked again and again
 * on a keep-alive connection of its own from a worker thread (so that it sees this process's stalls), while (1) 200
 * PATCHes fan out to 1,000 subscriptions of a receiver that never answers (20,000 attempts), (2) `POST
 * /_mock/simulate` makes 200,000 agent-days, (3) four clients download a large report part at once (curl
 * processes). Everything on 127.0.0.1; each scenario stops by itself. Prints one JSON line per scenario. Run after a
 * build: `node --import tsx bench/shared-sandbox.ts [fanout|simulate|download]`.
 */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { createServer, type Socket } from 'node:net';
import { Worker } from 'node:worker_threads';
import { listen } from '../packages/mock-server/dist/index.js';

const TOKEN = 'sandbox-token';
const JOHN = 'afd5102c-5443-4fe3-a069-4fe25189a0a1';
const only = process.argv[2];

const sandbox = await listen({ port: 0, limits: { requestsPerMinute: 1e9 }, reportDelaySeconds: 1 });
const { hostname, port } = new URL(sandbox.url);

/** One request on `agent`'s connections; resolves with the status and the milliseconds it took. */
function call(agent: Agent, token: string, method: string, path: string, body?: unknown) {
  const started = performance.now();
  return new Promise<{ status: number; ms: number; body: string }>((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        host: hostname,
        port,
        method,
        path,
        agent,
        headers: {
          Authorization: `Bearer ${token}`,
          ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, body: text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const control = new Agent({ keepAlive: true, maxSockets: 4 });

/**
 * The probe, in a worker thread of its own: the sandbox runs in this process, so a probe on this event loop would
 * stall with it and never see the stall. Asks `GET /v2/agents/status` on one keep-alive connection, 5 ms apart,
 * until told to stop; posts back every latency.
 */
const PROBE = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const times = [];
let stopped = false;
parentPort.on('message', () => { stopped = true; });
const once = () => new Promise((resolve, reject) => {
  const started = performance.now();
  const req = http.request({ host: workerData.hostname, port: workerData.port, path: '/v2/agents/status', agent,
    headers: { Authorization: 'Bearer ' + workerData.token } }, (res) => {
    res.resume();
    res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - started }));
  });
  req.on('error', reject);
  req.end();
});
(async () => {
  while (!stopped) {
    const { status, ms } = await once();
    if (status !== 200) throw new Error('probe answered ' + status);
    times.push(ms);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  agent.destroy();
  parentPort.postMessage(times);
})();
`;

/** Probes (see `PROBE`) until `stop` settles; the latencies. */
async function probe(stop: Promise<unknown>): Promise<{ worstMs: number; p50Ms: number; samples: number }> {
  const worker = new Worker(PROBE, { eval: true, workerData: { hostname, port, token: TOKEN } });
  const posted = new Promise<number[]>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await stop;
  worker.postMessage('stop');
  const times = (await posted).sort((a, b) => a - b);
  await worker.terminate();
  return {
    worstMs: Math.round((times.at(-1) ?? 0) * 10) / 10,
    p50Ms: Math.round((times[times.length >> 1] ?? 0) * 10) / 10,
    samples: times.length,
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function fanOut() {
  const sockets = new Set<Socket>();
  const receiver = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    socket.resume();
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
  const accounts: { token: string; agent: string }[] = [{ token: TOKEN, agent: JOHN }];
  for (let a = 1; a < 10; a++) {
    const agent = `00000000-0000-4000-8000-0000000000${String(a).padStart(2, '0')}`;
    const made = await call(control, TOKEN, 'POST', '/_mock/accounts', {
      agents: [{ id: agent, first_name: 'Load', last_name: `${a}` }],
    });
    accounts.push({ token: (JSON.parse(made.body) as { token: string }).token, agent });
  }
  for (const [a, { token }] of accounts.entries()) {
    for (let n = 0; n < 100; n++) await call(control, token, 'POST', '/_mock/webhooks', { url: `${origin}/${a}/${n}` });
  }
  let patchWorst = 0;
  const work = (async () => {
    for (let round = 0; round < 20; round++) {
      for (const { token, agent } of accounts) {
        const availability_status = round % 2 === 0 ? 'UNAVAILABLE' : 'AVAILABLE';
        const { status, ms } = await call(control, token, 'PATCH', `/v2/agents/${agent}`, { availability_status });
        if (status !== 200) throw new Error(`PATCH answered ${status}`);
        patchWorst = Math.max(patchWorst, ms);
      }
    }
    await pause(3000);
  })();
  const latency = await probe(work);
  const load = sandbox.webhooks.load();
  const deliveries = await call(control, TOKEN, 'GET', '/_mock/webhooks/deliveries');
  await sandbox.webhooks.abort();
  for (const socket of sockets) socket.destroy();
  receiver.close();
  return {
    scenario: 'fan-out: 1,000 subscriptions that never answer, 200 PATCHes',
    ...latency,
    patchWorstMs: Math.round(patchWorst * 10) / 10,
    inFlight: load.inFlight,
    queued: load.queued,
    mostOpenAtReceiver: sockets.size,
    deliveriesBytes: deliveries.body.length,
    deliveriesMs: Math.round(deliveries.ms),
  };
}

async function simulate() {
  let answer = { status: 0, ms: 0, body: '' };
  const work = (async () => {
    await pause(200);
    answer = await call(control, TOKEN, 'POST', '/_mock/simulate', { agents: 5000, days: 40, seed: 1 });
    await pause(200);
  })();
  const latency = await probe(work);
  return {
    scenario: 'simulate 5,000 agents × 40 days',
    ...latency,
    simulateMs: Math.round(answer.ms),
    status: answer.status,
  };
}

async function download() {
  // One month of a busy floor's history, as one part.
  const made = await call(control, TOKEN, 'POST', '/_mock/simulate', { agents: 5000, days: 40, seed: 2 });
  if (made.status !== 201) throw new Error(`simulate answered ${made.status}: ${made.body}`);
  const end = new Date(Date.now() - 60_000);
  const start = new Date(end.getTime() - 30 * 86_400_000);
  const requested = await call(control, TOKEN, 'POST', '/v2/reports/raw', {
    start: start.toISOString().replace(/\.\d+Z$/, '.000Z'),
    end: end.toISOString().replace(/\.\d+Z$/, '.000Z'),
    event: 'Agent-IntelliAssign-Activity',
    format: 'csv',
  });
  const { id } = JSON.parse(requested.body) as { id: string };
  await call(control, TOKEN, 'POST', '/_mock/clock/advance', { seconds: 5 });
  const report = JSON.parse((await call(control, TOKEN, 'GET', `/v2/reports/raw/${id}`)).body) as {
    links: { link: { href: string } }[];
  };
  // A whole day in the middle of the window (the first may be cut short by the simulation's start).
  const href = report.links[report.links.length >> 1]?.link.href as string;
  let bytes = 0;
  const work = Promise.all(
    Array.from(
      { length: 4 },
      () =>
        new Promise<void>((resolve, reject) => {
          const curl = spawn('curl', ['-s', '-o', '/dev/null', '-w', '%{size_download}', href]);
          let out = '';
          curl.stdout.on('data', (chunk: Buffer) => {
            out += chunk.toString();
          });
          curl.on('error', reject);
          curl.on('close', () => {
            bytes = Number(out);
            resolve();
          });
        }),
    ),
  );
  const latency = await probe(work);
  return { scenario: 'four parallel downloads of one large part', ...latency, partBytes: bytes };
}

for (const [name, run] of [
  ['fanout', fanOut],
  ['simulate', simulate],
  ['download', download],
] as const) {
  if (only && only !== name) continue;
  console.log(JSON.stringify(await run()));
}
control.destroy();
await sandbox.stop();
