import type { AgentIntelliAssignActivityRow, ControlComponents } from '@freshchat-sandbox/client';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_SEED } from '../domain/accounts/default-seed.js';
import { activityRowsOf, downloadCsv } from '../testing/report-download.js';
import { ADMIN_ID, IDS, iso, openSandbox, T0, type TestSandbox } from '../testing/sandbox-harness.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CUSTOM_NAMES = ['Lunch', 'Break', 'Meeting', 'Knowledge training', 'Tea break'];
const SEED_AGENTS = new Set<string>([IDS.john, IDS.matt, IDS.sarah, IDS.sebastian, ADMIN_ID]);
type SimulationRequest = ControlComponents['schemas']['SimulationRequest'];

async function simulate(sandbox: Pick<TestSandbox, 'control'>, body: SimulationRequest) {
  const { data, response, error } = await sandbox.control.POST('/_mock/simulate', { body });
  if (response.status !== 201 || !data) throw new Error(`simulate: ${response.status} ${JSON.stringify(error)}`);
  return data;
}

/** Requests a report of `[start, end)`, lets it complete, and downloads every sub-report's rows. */
async function reportRows(sandbox: TestSandbox, start: number, end: number) {
  const { data } = await sandbox.freshchat.POST('/reports/raw', {
    body: { start: iso(start), end: iso(end), event: 'Agent-IntelliAssign-Activity', format: 'csv' },
  });
  if (!data) throw new Error('report refused');
  await sandbox.advance(60);
  const report = await sandbox.freshchat.GET('/reports/raw/{id}', { params: { path: { id: data.id } } });
  if (report.data?.status !== 'COMPLETED') throw new Error('report not completed');
  return { id: data.id, report: report.data, parts: await activityRowsOf(sandbox.fetch, report.data) };
}

const simulatedRows = (rows: AgentIntelliAssignActivityRow[]) => rows.filter((r) => !SEED_AGENTS.has(r.agent_id));

describe('POST /_mock/simulate', () => {
  it('creates agents with backfilled history, without moving the clock or sending webhooks', async () => {
    const receiver = vi.fn(async () => new Response(null, { status: 204 }));
    const sandbox = openSandbox({ webhooks: { fetch: receiver } });
    await sandbox.control.POST('/_mock/webhooks', { body: { url: 'http://127.0.0.1:9/hook' } });

    const made = await simulate(sandbox, { agents: 12, days: 10, seed: 3 });
    await sandbox.mock.webhooks.idle();

    expect(made).toEqual({
      agents_created: 12,
      changes: expect.any(Number),
      from: iso(T0 - 10 * DAY),
      to: iso(T0),
    });
    expect((await sandbox.control.GET('/_mock/clock')).data?.now).toBe(iso(T0));
    expect(receiver).not.toHaveBeenCalled();
    expect((await sandbox.control.GET('/_mock/webhooks/deliveries')).data?.deliveries).toEqual([]);

    const listed = (await sandbox.freshchat.GET('/agents', { params: { query: { items_per_page: 50 } } })).data;
    const created = listed?.agents.filter((a) => !SEED_AGENTS.has(a.id)) ?? [];
    expect(created).toHaveLength(12);
    expect(new Set(created.map((a) => `${a.first_name} ${a.last_name}`)).size).toBe(12);
    let changes = 0;
    for (const agent of created) {
      const { data } = await sandbox.control.GET('/_mock/agents/{agent_id}/history', {
        params: { path: { agent_id: agent.id } },
      });
      const history = data?.history ?? [];
      changes += history.length;
      expect(history[0]).toMatchObject({ at: iso(T0 - 10 * DAY), from: null });
      for (let k = 1; k < history.length; k++) {
        const [before, after] = [history[k - 1], history[k]] as [(typeof history)[0], (typeof history)[0]];
        expect(Date.parse(after.at)).toBeGreaterThan(Date.parse(before.at));
        expect(after.to.id).not.toBe(before.to.id);
        expect(after.from).toEqual(before.to);
        expect(after.actor).toEqual({ actor_type: 'agent', actor_id: agent.id });
        expect(Date.parse(after.at) % 1000).toBe(0);
      }
      expect(Date.parse(history.at(-1)?.at ?? '')).toBeLessThan(T0);
    }
    expect(changes).toBe(made.changes);

    // A simulated agent lives on: a live change is recorded after its history and reaches the subscriber.
    const agent = created[0]?.id as string;
    const patched = await sandbox.freshchat.PATCH('/agents/{agent_id}', {
      params: { path: { agent_id: agent } },
      body: { agent_status: { id: IDS.meeting } },
    });
    await sandbox.mock.webhooks.idle();
    expect(patched.response.status === 200 || patched.response.status === 409).toBe(true);
    expect(receiver.mock.calls.length).toBe(patched.response.status === 200 ? 1 : 0);
  });

  it('gives a history whose report keeps the invariants of a real floor', async () => {
    const sandbox = openSandbox();
    await simulate(sandbox, { agents: 40, days: 22, seed: 7 });
    const start = Math.floor(T0 / DAY) * DAY - 20 * DAY;
    // One sub-report per day, so each day's seconds can be summed on their own.
    await sandbox.control.POST('/_mock/faults', { body: { type: 'report_split' } });
    const { parts } = await reportRows(sandbox, start, start + 20 * DAY);

    expect(parts).toHaveLength(20);
    const agents = new Set<string>();
    const statuses = new Set<string>();
    let active = 0;
    let working = 0;
    let total = 0;
    for (const part of parts) {
      const from = Date.parse(part.from);
      const span = (Date.parse(part.to) - from) / 1000;
      const byAgent = new Map<string, AgentIntelliAssignActivityRow[]>();
      for (const row of simulatedRows(part.rows))
        byAgent.set(row.agent_id, [...(byAgent.get(row.agent_id) ?? []), row]);
      expect(byAgent.size).toBe(40);
      for (const [agentId, rows] of byAgent) {
        agents.add(agentId);
        // Seconds per sub-report sum to its span; periods follow each other without gap or overlap.
        expect(rows.reduce((sum, r) => sum + r.agent_status_in_seconds, 0)).toBe(span);
        let next = from;
        for (const row of rows) {
          expect(Math.max(Date.parse(row.created_at), from)).toBe(next);
          next += row.agent_status_in_seconds * 1000;
          statuses.add(row.agent_status);
          if (row.activity_type === 'active') active += row.agent_status_in_seconds;
          if (row.agent_status !== 'Unavailable') working += row.agent_status_in_seconds;
          total += row.agent_status_in_seconds;
        }
        expect(next).toBe(Date.parse(part.to));
      }
    }
    expect(agents.size).toBe(40);
    for (const name of CUSTOM_NAMES) expect(statuses).toContain(name);
    // Weekday shifts of 4.5–8.5 hours: about a fifth of all time active, four fifths of the time not on Unavailable.
    expect(active / total).toBeGreaterThan(0.12);
    expect(active / total).toBeLessThan(0.25);
    expect(active / working).toBeGreaterThan(0.65);
    expect(active / working).toBeLessThan(0.88);
  });

  it('gives the same history, and the same report, for the same seed, clock and account', async () => {
    const csvOf = async () => {
      // Seeded ids: the agents' ids repeat too, so the report's bytes can be compared as they are.
      const sandbox = openSandbox({ idSeed: 5 });
      await simulate(sandbox, { agents: 8, days: 3, seed: 11 });
      const { report } = await reportRows(sandbox, T0 - 2 * DAY, T0);
      const texts = [];
      for (const part of report.links) texts.push(await downloadCsv(sandbox.fetch, part.link?.href as string));
      return texts.join('');
    };
    const [first, second] = [await csvOf(), await csvOf()];
    expect(first.length).toBeGreaterThan(1000);
    expect(second).toBe(first);

    const other = openSandbox();
    const a = await simulate(other, { agents: 8, days: 3, seed: 12 });
    const b = await simulate(openSandbox(), { agents: 8, days: 3, seed: 11 });
    expect(a.changes).not.toBe(b.changes);
  });

  it('leaves a report that completed before the simulation as it was', async () => {
    const sandbox = openSandbox();
    const before = await reportRows(sandbox, T0 - DAY, T0);
    await simulate(sandbox, { agents: 5, days: 3, seed: 1 });
    const again = await sandbox.freshchat.GET('/reports/raw/{id}', { params: { path: { id: before.id } } });
    const rowsAgain = await activityRowsOf(sandbox.fetch, again.data as NonNullable<typeof again.data>);

    expect(rowsAgain.map((p) => p.rows)).toEqual(before.parts.map((p) => p.rows));
    await sandbox.advance(60);
    const after = await reportRows(sandbox, T0 - DAY, T0);
    expect(simulatedRows(after.parts.flatMap((p) => p.rows)).length).toBeGreaterThan(5);
  });

  it.each([
    [{ agents: 0, days: 1, seed: 1 }, /^agents: /],
    [{ agents: 5001, days: 1, seed: 1 }, /^agents: /],
    [{ agents: 1.5, days: 1, seed: 1 }, /^agents: /],
    [{ agents: 1, days: 0, seed: 1 }, /^days: /],
    [{ agents: 1, days: 461, seed: 1 }, /^days: /],
    [{ agents: 1, days: 1, seed: -1 }, /^seed: /],
    [{ agents: 1, days: 1 }, /seed/],
    [{ agents: 1, days: 1, seed: 1, until: 'yesterday' }, /^until: /],
    [{ agents: 1, days: 1, seed: 1, until: iso(T0 + 1000) }, /^until: must not be in the future$/],
    [{ agents: 5000, days: 41, seed: 1 }, /^days: agents × days must be at most 200000 \(asked 205000\)$/],
    [{ agents: 1, days: 460, seed: 1 }, /^days: the history would start before 2029-03-15T12:00:00.000Z/],
    [{ agents: 1, days: 10, seed: 1, until: iso(T0 - 450 * DAY) }, /^days: the history would start before/],
  ])('refuses %j with a 400 naming the field', async (body, message) => {
    const sandbox = openSandbox();
    const { error, response } = await sandbox.control.POST('/_mock/simulate', { body: body as never });
    expect(response.status).toBe(400);
    expect(error).toMatchObject({ code: 400, message: expect.stringMatching(message) });
    const agents = (await sandbox.freshchat.GET('/agents')).data?.agents ?? [];
    expect(agents).toHaveLength(5); // the seed's four and the admin
  });
});

describe('simulate in a seed', () => {
  const seed = { accounts: [{ ...DEFAULT_SEED.accounts[0], simulate: { agents: 6, days: 4, seed: 5 } }] };
  const namesAndChanges = async (sandbox: TestSandbox) => {
    const agents = (await sandbox.freshchat.GET('/agents', { params: { query: { items_per_page: 50 } } })).data;
    const out = [];
    for (const agent of agents?.agents ?? []) {
      const { data } = await sandbox.control.GET('/_mock/agents/{agent_id}/history', {
        params: { path: { agent_id: agent.id } },
      });
      out.push([`${agent.first_name} ${agent.last_name}`, data?.history.map((h) => [h.at, h.to.name])]);
    }
    return out;
  };

  it('starts the sandbox with the simulated agents, and a reset brings them back', async () => {
    const sandbox = openSandbox({ seed });
    const started = await namesAndChanges(sandbox);
    await sandbox.control.POST('/_mock/reset');
    const reset = await namesAndChanges(sandbox);

    expect(started).toHaveLength(11); // six simulated, the seed's four and the admin
    expect(started[4]?.[1]?.length).toBeGreaterThan(4);
    expect(reset).toEqual(started);
  });

  it('creates an account with simulated agents, and names the seed field it refuses', async () => {
    const sandbox = openSandbox();
    const created = await sandbox.control.POST('/_mock/accounts', {
      body: { statuses: [{ name: 'Coffee' }], simulate: { agents: 3, days: 2, seed: 9 } },
    });
    const other = sandbox.clientsFor(created.data?.token as string);
    const refused = await sandbox.control.POST('/_mock/accounts', {
      body: { simulate: { agents: 3, days: 2, seed: 9, until: iso(T0 + DAY) } },
    });

    expect((await other.freshchat.GET('/agents')).data?.agents).toHaveLength(4); // three simulated and the admin
    expect(refused.response.status).toBe(400);
    expect(refused.error?.message).toBe('simulate.until: must not be in the future');
  });
});

describe('a large simulation, in steps', () => {
  it('answers other requests between its steps, and shows its agents only once it is answered', async () => {
    const sandbox = openSandbox();
    const account = sandbox.mock.state.authenticate('sandbox-token');
    if (!account) throw new Error('no default account');
    const started = vi.spyOn(account.simulation, 'floorStatuses');
    const done: string[] = [];
    // 10,000 agent-days: many steps of the floor and of its merge into the history.
    const simulating = simulate(sandbox, { agents: 1000, days: 10, seed: 4 }).then((made) => {
      done.push('simulate');
      return made;
    });
    // The list is asked once the simulation has begun (it starts by reading the account's statuses).
    while (started.mock.calls.length === 0) await new Promise((resolve) => setImmediate(resolve));
    const listing = sandbox.freshchat.GET('/agents', { params: { query: { items_per_page: 50 } } }).then((got) => {
      done.push('list');
      return got;
    });
    const [made, listed] = await Promise.all([simulating, listing]);
    expect(done).toEqual(['list', 'simulate']);
    expect(listed.data?.agents.map((a) => a.id).sort()).toEqual([...SEED_AGENTS].sort());
    expect(made.agents_created).toBe(1000);
    expect(
      (await sandbox.freshchat.GET('/agents', { params: { query: { items_per_page: 1 } } })).data?.pagination
        .total_items,
    ).toBe(SEED_AGENTS.size + 1000);
  });

  it('carries out two simulations of one account one after the other, and refuses one its account was reset under', async () => {
    const sandbox = openSandbox();
    const first = simulate(sandbox, { agents: 600, days: 2, seed: 1 });
    const second = simulate(sandbox, { agents: 600, days: 2, seed: 2 });
    expect((await first).agents_created).toBe(600);
    expect((await second).agents_created).toBe(600);
    const listed = await sandbox.freshchat.GET('/agents', { params: { query: { items_per_page: 1 } } });
    expect(listed.data?.pagination.total_items).toBe(SEED_AGENTS.size + 1200);

    // The reset comes once the floor is being made (it starts by reading the account's statuses).
    const account = sandbox.mock.state.authenticate('sandbox-token');
    if (!account) throw new Error('no default account');
    const started = vi.spyOn(account.simulation, 'floorStatuses');
    const refused = sandbox.control.POST('/_mock/simulate', { body: { agents: 5000, days: 10, seed: 3 } });
    while (started.mock.calls.length === 0) await new Promise((resolve) => setImmediate(resolve));
    expect((await sandbox.control.POST('/_mock/reset')).response.status).toBe(200);
    const { response, error } = await refused;
    expect(response.status).toBe(409);
    expect(error).toEqual({
      code: 409,
      status: 'ACCOUNT_RESET',
      message: 'agents: the account was reset while the simulation was being made; send it again',
    });
    expect((await sandbox.freshchat.GET('/agents')).data?.agents).toHaveLength(SEED_AGENTS.size);
  });
});
