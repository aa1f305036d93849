/**
 * CPU per request of `GET /v2/agents/status`: the sandbox against plain node:http (the same baseline as `bench`) and
 * bare Hono answering the bytes the sandbox answers. All three servers and a keep-alive client run in this one
 * process, measured in short bursts taken in turn, so the drift of this shared machine falls on all of them alike
 * and no process has to wake another.
 * The client's share is the same for all three: the differences are the servers'.
 *
 * Usage (after a build): npx -y pnpm@10 bench:cost [rounds=15] [requests per burst=5000]
 */
import net from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { listen } from '../packages/mock-server/dist/index.js';
import { identicalBytesServer, recordAnswer } from './identical-bytes-server.mjs';

const ROUNDS = Number(process.argv[2] ?? 15);
const BURST = Number(process.argv[3] ?? 5000);
const CONNECTIONS = 50;
const PATH = '/v2/agents/status';
const REQUEST = Buffer.from(`GET ${PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer sandbox-token\r\n\r\n`);

const sandbox = await listen({ port: 0, limits: { requestsPerMinute: 1e9 } });
const answer = await recordAnswer(
  await fetch(`${sandbox.url}${PATH}`, { headers: { authorization: 'Bearer sandbox-token' } }),
);
const { body, headers } = answer;
const raw = identicalBytesServer({ [`GET ${PATH}`]: answer });
const rawPort = await new Promise<number>((resolve) =>
  raw.listen(0, '127.0.0.1', () => resolve((raw.address() as net.AddressInfo).port)),
);
const bare = new Hono();
bare.get(PATH, () => new Response(body, { status: 200, headers }));
const barePort = await new Promise<number>((resolve) => {
  serve({ fetch: bare.fetch, port: 0, hostname: '127.0.0.1' }, (address) => resolve(address.port));
});
const ports: Record<string, number> = {
  'node:http': rawPort,
  'bare Hono': barePort,
  sandbox: Number(new URL(sandbox.url).port),
};

/** Sends `total` requests over CONNECTIONS keep-alive sockets, each waiting for its answer before the next. */
function run(port: number, total: number): Promise<void> {
  let sent = 0;
  let done = 0;
  return new Promise((resolve, reject) => {
    for (let i = 0; i < CONNECTIONS; i++) {
      const socket = net.connect(port, '127.0.0.1');
      socket.setNoDelay(true);
      let buffer = '';
      const next = () => {
        if (sent < total) {
          sent++;
          socket.write(REQUEST);
        } else socket.end();
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
          if (!buffer.startsWith('HTTP/1.1 200')) return reject(new Error(buffer.slice(0, 200)));
          buffer = buffer.slice(end + 4 + length);
          if (++done === total) resolve();
          next();
        }
      });
    }
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const names = Object.keys(ports);
for (const name of names) await run(ports[name] as number, 10_000); // warm-up
const cpu: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const name of round % 2 ? [...names].reverse() : names) {
    const before = process.cpuUsage();
    await run(ports[name] as number, BURST);
    const used = process.cpuUsage(before);
    cpu[name]?.push((used.user + used.system) / BURST);
  }
}
const base = cpu['node:http'] as number[];
process.stdout.write(`${ROUNDS} rounds of ${BURST} requests, ${CONNECTIONS} connections; client included\n`);
for (const name of names) {
  const xs = cpu[name] as number[];
  const extra = median(xs.map((x, i) => x - (base[i] as number)));
  const share = median(xs.map((x, i) => (base[i] as number) / x));
  process.stdout.write(
    `${name.padEnd(10)} ${median(xs).toFixed(1)} µs CPU per request, ${extra >= 0 ? '+' : ''}${extra.toFixed(1)} µs over node:http, node:http's cost ÷ this ${share.toFixed(2)} (medians per round)\n`,
  );
}
await sandbox.stop();
raw.close();
process.exit(0);
