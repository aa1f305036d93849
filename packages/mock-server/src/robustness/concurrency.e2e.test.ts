/**
 * Concurrent mutations over real HTTP on 127.0.0.1: the sandbox listens on port 0, a `node:http` receiver is
 * subscribed to webhooks in two accounts, and PATCHes to agents of both accounts arrive all at once. Every
 * acknowledged (200) change must be in the agent's history exactly once, in a consistent order, and reach the
 * receiver as exactly one webhook event.
 */
import { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ListeningMockServer, listen } from '../listen.js';
import { IDS, TOKEN } from '../testing/sandbox-harness.js';
import { keepAliveCall } from './testing/keep-alive-call.js';
import { startReceiver, type WebhookReceiver } from './testing/webhook-receiver.js';

const TOKEN_B = 'concurrency-account-b';
const AGENTS_PER_ACCOUNT = 10;
const STATUSES_PER_ACCOUNT = 50;

type Account = { token: string; agents: string[]; statuses: string[] };
type HistoryEntry = {
  at: string;
  actor: { actor_type: string; actor_id: string };
  from: { id: string; name: string } | null;
  to: { id: string; name: string };
};
type WebhookBody = {
  action: string;
  data: { agent_availability: { agent_id: string; app_id: string; metadata: { agent_status: { id: string } } } };
};

describe('concurrent mutations over HTTP', () => {
  let server: ListeningMockServer;
  let receiver: WebhookReceiver;
  const accounts: Account[] = [];
  /** Every acknowledged change, per agent, in the order its answer arrived. */
  const acknowledged = new Map<string, string[]>();

  // Keep-alive sockets, at most 256 at once: every request is issued at once and queues for a socket, without
  // overflowing the listen backlog (a dropped SYN costs a second) on a loaded two-core machine.
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const call = keepAliveCall(agent, () => server.url);

  const patch = async (account: Account, agent: string, status: string) => {
    const answer = await call(account.token, 'PATCH', `/v2/agents/${agent}`, { agent_status: { id: status } });
    if (answer.status === 200) {
      expect((answer.body as { agent_status: { id: string } }).agent_status.id).toBe(status);
      acknowledged.get(agent)?.push(status);
    }
    return answer.status;
  };

  const history = async (account: Account, agent: string) => {
    const answer = await call(account.token, 'GET', `/_mock/agents/${agent}/history`);
    expect(answer.status).toBe(200);
    return (answer.body as { history: HistoryEntry[] }).history;
  };

  beforeAll(async () => {
    server = await listen({ port: 0 });
    receiver = await startReceiver();
    // Account B, made through the control API with a seed of agents and statuses.
    const created = await call(TOKEN, 'POST', '/_mock/accounts', {
      token: TOKEN_B,
      statuses: Array.from({ length: STATUSES_PER_ACCOUNT }, (_, i) => ({ name: `B status ${i}` })),
      agents: Array.from({ length: AGENTS_PER_ACCOUNT }, (_, i) => ({ first_name: 'B', last_name: `Agent ${i}` })),
    });
    expect(created.status).toBe(201);
    // Account A, the default one: more agents and statuses through the control API.
    for (let i = 0; i < AGENTS_PER_ACCOUNT - 4; i++) {
      expect((await call(TOKEN, 'POST', '/_mock/agents', { first_name: 'A', last_name: `Agent ${i}` })).status).toBe(
        201,
      );
    }
    for (let i = 0; i < STATUSES_PER_ACCOUNT - 5; i++) {
      expect((await call(TOKEN, 'POST', '/_mock/statuses', { name: `A status ${i}` })).status).toBe(201);
    }
    for (const token of [TOKEN, TOKEN_B]) {
      const listed = (await call(token, 'GET', '/v2/agents?items_per_page=50')).body as {
        agents: { id: string; role_id: string }[];
      };
      // The account's admin is one of its agents; the load goes to the others.
      const agents = { agents: listed.agents.filter((a) => a.role_id !== 'ADMIN') };
      const statuses = (await call(token, 'GET', '/v2/agents/status')).body as { states: { id: string }[] };
      accounts.push({ token, agents: agents.agents.map((a) => a.id), statuses: statuses.states.map((s) => s.id) });
      expect((await call(token, 'POST', '/_mock/webhooks', { url: receiver.url })).status).toBe(201);
    }
    for (const account of accounts) {
      expect(account.agents).toHaveLength(AGENTS_PER_ACCOUNT);
      expect(account.statuses).toHaveLength(STATUSES_PER_ACCOUNT);
      for (const agent of account.agents) acknowledged.set(agent, []);
    }
    expect(accounts[0]?.agents).toContain(IDS.john);
  });

  afterAll(async () => {
    agent.destroy();
    await server?.stop();
    await receiver?.close();
  });

  it('1000 PATCHes in flight at once: each acknowledged change is in the history exactly once', async () => {
    // Each agent is sent to every one of its account's 50 statuses once: whatever order the sandbox takes them
    // in, each one is a real change.
    const requests = accounts.flatMap((account) =>
      account.agents.flatMap((agent) => account.statuses.map((status) => () => patch(account, agent, status))),
    );
    expect(requests).toHaveLength(1000);
    const statuses = await Promise.all(requests.map((send) => send()));
    const ok = statuses.filter((s) => s === 200).length;
    expect(ok, `answers: ${[...new Set(statuses)]}`).toBe(1000);

    for (const account of accounts) {
      for (const agent of account.agents) {
        const entries = await history(account, agent);
        // The first entry is the agent's start on "Active on IntelliAssign"; every change follows it.
        const changes = entries.slice(1);
        const sent = acknowledged.get(agent) ?? [];
        expect(changes).toHaveLength(sent.length);
        expect(changes.map((e) => e.to.id).sort()).toEqual([...sent].sort());
        expect(new Set(changes.map((e) => e.to.id)).size).toBe(changes.length);
        expectConsistentChain(entries);
      }
    }
  }, 60_000);

  it('each agent changed sequentially, all agents at once: the history has the acknowledged changes in order', async () => {
    const before = new Map<string, HistoryEntry[]>();
    for (const account of accounts) {
      for (const agent of account.agents) before.set(agent, await history(account, agent));
    }
    const sequence = new Map<string, string[]>();
    const ROUNDS = 10;
    await Promise.all(
      accounts.flatMap((account) =>
        account.agents.map(async (agent, i) => {
          // Two statuses in turn, neither the one the agent is on now, so each PATCH is a change.
          const current = before.get(agent)?.at(-1)?.to.id;
          const [x, y] = account.statuses.filter((s) => s !== current).slice(i % 3) as [string, string];
          const mine: string[] = [];
          sequence.set(agent, mine);
          for (let round = 0; round < ROUNDS; round++) {
            const target = round % 2 === 0 ? x : y;
            if ((await patch(account, agent, target)) === 200) mine.push(target);
          }
        }),
      ),
    );
    for (const account of accounts) {
      for (const agent of account.agents) {
        const entries = await history(account, agent);
        const added = entries.slice(before.get(agent)?.length);
        expect(added.map((e) => e.to.id)).toEqual(sequence.get(agent));
        expect(added).toHaveLength(ROUNDS);
        expectConsistentChain(entries);
      }
    }
  }, 60_000);

  it('the receiver got exactly one webhook event per acknowledged change, none twice and none missing', async () => {
    await server.webhooks.idle();
    const total = [...acknowledged.values()].reduce((n, list) => n + list.length, 0);
    expect(total).toBe(1000 + 2 * AGENTS_PER_ACCOUNT * 10);

    const ids = receiver.deliveries.map((d) => d.headers['x-sandbox-event-id'] as string);
    expect(new Set(ids).size, 'no event delivered twice').toBe(ids.length);
    expect(ids).toHaveLength(total);
    expect(receiver.deliveries.every((d) => d.headers['x-retry-count'] === '0')).toBe(true);

    // Per agent, the events name exactly the acknowledged statuses, as many times as they were acknowledged.
    const perAgent = new Map<string, string[]>();
    for (const delivery of receiver.deliveries) {
      const event = JSON.parse(delivery.body) as WebhookBody;
      expect(event.action).toBe('agent_availability');
      const { agent_id, metadata } = event.data.agent_availability;
      perAgent.set(agent_id, [...(perAgent.get(agent_id) ?? []), metadata.agent_status.id]);
    }
    for (const [agent, sent] of acknowledged) {
      expect(perAgent.get(agent)?.sort(), agent).toEqual([...sent].sort());
    }

    // The sandbox's own delivery log agrees: one delivered attempt per event, per account.
    for (const account of accounts) {
      const log = (await call(account.token, 'GET', '/_mock/webhooks/deliveries')).body as {
        deliveries: { event_id: string; outcome: string; retry_count: number }[];
      };
      const changes = account.agents.reduce((n, agent) => n + (acknowledged.get(agent)?.length ?? 0), 0);
      expect(log.deliveries).toHaveLength(changes);
      expect(log.deliveries.every((d) => d.outcome === 'delivered' && d.retry_count === 0)).toBe(true);
      expect(new Set(log.deliveries.map((d) => d.event_id)).size).toBe(changes);
      for (const d of log.deliveries) expect(ids).toContain(d.event_id);
    }
  }, 60_000);
});

/** Each entry starts where the previous one ended, and time never goes back. */
function expectConsistentChain(entries: HistoryEntry[]): void {
  expect(entries[0]?.from).toBeNull();
  for (let i = 1; i < entries.length; i++) {
    const [previous, entry] = [entries[i - 1] as HistoryEntry, entries[i] as HistoryEntry];
    expect(entry.from?.id).toBe(previous.to.id);
    expect(entry.to.id).not.toBe(previous.to.id);
    expect(Date.parse(entry.at)).toBeGreaterThanOrEqual(Date.parse(previous.at));
    expect(entry.actor.actor_type).toBe('admin');
  }
}
