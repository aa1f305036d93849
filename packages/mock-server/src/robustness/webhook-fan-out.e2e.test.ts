/**
 * Webhook fan-out under load, over real HTTP on 127.0.0.1: 1,000 subscriptions (ten accounts of 100, the cap) to a
 * receiver that never answers, then PATCHes in every account. What must hold is structural: attempts under way
 * never pass the cap, the rest wait in the queue, the sandbox's open files stay bounded, every PATCH and a GET on
 * another connection are answered while it all waits, and the delivery log stays a bounded ring. The latencies are
 * measured by `bench/shared-sandbox.ts` (bench/NOTES.md), not asserted here.
 */
import { readdirSync } from 'node:fs';
import { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DELIVERY_LIMITS } from '../domain/webhooks/delivery-queue.js';
import { type ListeningMockServer, listen } from '../listen.js';
import { IDS, TOKEN } from '../testing/sandbox-harness.js';
import { keepAliveCall } from './testing/keep-alive-call.js';
import { type SilentReceiver, startSilentReceiver } from './testing/silent-receiver.js';

const ACCOUNTS = 10;
const SUBSCRIPTIONS_PER_ACCOUNT = 100;
const PATCHES_PER_ACCOUNT = 2;
const LOG_CAPACITY = 150;
const agentOf = (a: number) => (a === 0 ? IDS.john : `00000000-0000-4000-8000-0000000000${String(a).padStart(2, '0')}`);

/** Open file descriptors of this process (sockets included), where /proc says; undefined elsewhere. */
function openFiles(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return undefined;
  }
}

describe('webhook fan-out to a receiver that never answers', () => {
  let server: ListeningMockServer;
  let receiver: SilentReceiver;
  const tokens: string[] = [TOKEN];
  // Requests to the sandbox on keep-alive connections of their own, apart from the deliveries' connections.
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const call = keepAliveCall(agent, () => server.url);

  beforeAll(async () => {
    // A timeout longer than the test: no attempt ends by itself, so the queue's state is exact.
    server = await listen({
      port: 0,
      webhooks: { timeoutMs: 120_000 },
      deliveryLimits: { logCapacity: LOG_CAPACITY },
    });
    receiver = await startSilentReceiver();
    for (let a = 1; a < ACCOUNTS; a++) {
      const created = await call(TOKEN, 'POST', '/_mock/accounts', {
        agents: [{ id: agentOf(a), first_name: 'Load', last_name: `Agent ${a}` }],
      });
      expect(created.status).toBe(201);
      tokens.push((created.body as { token: string }).token);
    }
    for (const [a, token] of tokens.entries()) {
      for (let n = 0; n < SUBSCRIPTIONS_PER_ACCOUNT; n++) {
        const made = await call(token, 'POST', '/_mock/webhooks', { url: `${receiver.origin}/hook/${a}/${n}` });
        expect(made.status).toBe(201);
      }
    }
  }, 60_000);

  afterAll(async () => {
    agent.destroy();
    await server?.stop();
    await receiver?.close();
  });

  it('keeps attempts under way at the cap, queues the rest, bounds open files, and keeps answering', async () => {
    const filesBefore = openFiles();
    const patches: number[] = [];
    for (let round = 0; round < PATCHES_PER_ACCOUNT; round++) {
      for (const [a, token] of tokens.entries()) {
        const availability_status = round % 2 === 0 ? 'UNAVAILABLE' : 'AVAILABLE';
        patches.push((await call(token, 'PATCH', `/v2/agents/${agentOf(a)}`, { availability_status })).status);
      }
    }
    expect(patches).toEqual(Array(ACCOUNTS * PATCHES_PER_ACCOUNT).fill(200));

    const attempts = ACCOUNTS * SUBSCRIPTIONS_PER_ACCOUNT * PATCHES_PER_ACCOUNT;
    const cap = DEFAULT_DELIVERY_LIMITS.inFlight;
    // Every slot taken by an attempt the receiver holds; the rest wait.
    await expect.poll(() => receiver.open, { timeout: 20_000 }).toBe(cap);
    expect(server.webhooks.load()).toEqual({ inFlight: cap, queued: attempts - cap });

    const statuses = await call(TOKEN, 'GET', '/v2/agents/status');
    expect(statuses.status).toBe(200);
    const deliveries = await call(TOKEN, 'GET', '/_mock/webhooks/deliveries');
    expect(deliveries.body).toEqual({ deliveries: [], dropped: 0 });

    expect(receiver.mostOpen).toBe(cap);
    const filesNow = openFiles();
    // Each attempt is two sockets of this process (the sandbox's and the receiver's end); a little slack for
    // the test's own connections.
    if (filesBefore !== undefined && filesNow !== undefined) expect(filesNow - filesBefore).toBeLessThan(2 * cap + 16);

    // Stopping aborts every attempt, waiting ones included; each account's log keeps its last LOG_CAPACITY.
    await server.webhooks.abort();
    expect(server.webhooks.load()).toEqual({ inFlight: 0, queued: 0 });
    const perAccount = SUBSCRIPTIONS_PER_ACCOUNT * PATCHES_PER_ACCOUNT;
    const log = (await call(TOKEN, 'GET', '/_mock/webhooks/deliveries')).body as {
      deliveries: { outcome: string }[];
      dropped: number;
    };
    expect(log.deliveries).toHaveLength(LOG_CAPACITY);
    expect(log.dropped).toBe(perAccount - LOG_CAPACITY);
    expect(new Set(log.deliveries.map((d) => d.outcome))).toEqual(new Set(['aborted']));
  }, 60_000);
});
