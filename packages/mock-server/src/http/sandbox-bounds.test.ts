/**
 * The totals a long-lived shared sandbox holds are bounded, and past a bound the answer names it: accounts per
 * sandbox, simulated agent-days per account, report jobs kept per account. The defaults are the documented ones;
 * smaller ones here keep the tests small.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SEED } from '../domain/accounts/default-seed.js';
import { createAccount, iso, openSandbox, T0 } from '../testing/sandbox-harness.js';

describe('sandbox bounds', () => {
  it('holds at most `accounts` accounts, the seed included: the next is 409 ACCOUNT_LIMIT; a reset frees them', async () => {
    const sandbox = openSandbox({ limits: { accounts: 3 } });
    await createAccount(sandbox);
    await createAccount(sandbox);

    const past = await sandbox.control.POST('/_mock/accounts', { body: {} });
    expect(past.response.status).toBe(409);
    expect(past.error).toEqual({
      code: 409,
      status: 'ACCOUNT_LIMIT',
      message: 'a sandbox holds at most 3 accounts; reset it to start again',
    });

    await sandbox.control.POST('/_mock/reset');
    expect((await sandbox.control.POST('/_mock/accounts', { body: {} })).response.status).toBe(201);
  });

  it('documents 1,000 accounts, 100 subscriptions, 1,000,000 simulated agent-days and 1,000 report jobs by default', () => {
    const { limits } = openSandbox().mock.state;
    expect(limits).toMatchObject({
      accounts: 1000,
      webhookSubscriptions: 100,
      simulatedAgentDays: 1_000_000,
      reportJobsKept: 1000,
    });
  });

  it('simulates at most `simulatedAgentDays` per account in all: past it 409 SIMULATION_LIMIT, naming what is left', async () => {
    const sandbox = openSandbox({ limits: { simulatedAgentDays: 100 } });
    const first = await sandbox.control.POST('/_mock/simulate', { body: { agents: 6, days: 10, seed: 1 } });
    expect(first.response.status).toBe(201);

    const past = await sandbox.control.POST('/_mock/simulate', { body: { agents: 5, days: 10, seed: 2 } });
    expect(past.response.status).toBe(409);
    expect(past.error).toEqual({
      code: 409,
      status: 'SIMULATION_LIMIT',
      message: 'agents: an account holds at most 100 simulated agent-days; 40 are left, 50 asked',
    });
    expect(
      (await sandbox.control.POST('/_mock/simulate', { body: { agents: 4, days: 10, seed: 2 } })).response.status,
    ).toBe(201);
    // Another account has its own allowance.
    const other = await createAccount(sandbox, { agents: DEFAULT_SEED.accounts[0]?.agents?.slice(0, 1) });
    expect(
      (await other.control.POST('/_mock/simulate', { body: { agents: 10, days: 10, seed: 2 } })).response.status,
    ).toBe(201);
  });

  it('keeps the last `reportJobsKept` report jobs: the oldest is then a 404', async () => {
    const sandbox = openSandbox({ limits: { reportJobsKept: 2 } });
    const ids: string[] = [];
    for (let n = 0; n < 3; n++) {
      const { data } = await sandbox.freshchat.POST('/reports/raw', {
        body: {
          start: iso(T0 - 86_400_000),
          end: iso(T0 - 3_600_000),
          event: 'Agent-IntelliAssign-Activity',
          format: 'csv',
        },
      });
      ids.push(data?.id as string);
      await sandbox.advance(60);
    }

    const jobs = await sandbox.control.GET('/_mock/reports');
    expect(jobs.data?.reports.map((r) => r.id)).toEqual(ids.slice(1));
    const gone = await sandbox.freshchat.GET('/reports/raw/{id}', { params: { path: { id: ids[0] as string } } });
    expect(gone.response.status).toBe(404);
  });
});
