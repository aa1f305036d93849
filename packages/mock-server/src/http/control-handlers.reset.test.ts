import { describe, expect, it } from 'vitest';
import {
  ACTIVE,
  ADMIN_ID,
  createAccount,
  historyOf,
  IDS,
  iso,
  openSandbox,
  SEED_STATUS_NAMES,
  T0,
} from '../testing/sandbox-harness.js';

describe('reset', () => {
  it('puts every account back to the seed and keeps the clock where it is', async () => {
    const sandbox = openSandbox();
    const { freshchat, control, advance } = sandbox;
    await advance(100);
    await freshchat.PATCH('/agents/{agent_id}', {
      params: { path: { agent_id: IDS.john } },
      body: { agent_status: { id: IDS.meeting } },
    });
    await control.POST('/_mock/statuses', { body: { name: 'On a call' } });
    await control.DELETE('/_mock/statuses/{status_id}', { params: { path: { status_id: IDS.break } } });
    const extra = await control.POST('/_mock/agents', { body: { first_name: 'Ada', last_name: 'Lovelace' } });
    const account = await createAccount(sandbox);
    await control.POST('/_mock/webhooks', { body: { url: 'http://127.0.0.1:9/hook' } });
    await control.POST('/_mock/faults', { body: { type: 'report_failure' } });
    const report = await freshchat.POST('/reports/raw', {
      body: { start: iso(T0 - 3_600_000), end: iso(T0), event: 'Agent-IntelliAssign-Activity', format: 'csv' },
    });
    await advance(20);

    const reset = await control.POST('/_mock/reset');

    const now = T0 + 120_000;
    expect(reset.response.status).toBe(200);
    expect(reset.data).toEqual({ now: iso(now), frozen: true });
    expect((await control.GET('/_mock/clock')).data).toEqual({ now: iso(now), frozen: true });
    expect((await freshchat.GET('/agents/status')).data?.states.map((s) => s.name)).toEqual(SEED_STATUS_NAMES);
    const agents = (await freshchat.GET('/agents')).data?.agents;
    expect(agents?.map((a) => a.id)).toEqual([IDS.john, IDS.matt, IDS.sarah, IDS.sebastian, ADMIN_ID]);
    expect(agents?.every((a) => a.agent_status.id === IDS.active)).toBe(true);
    expect(await historyOf(control, IDS.john)).toEqual([
      { at: iso(now), actor: { actor_type: 'admin', actor_id: ADMIN_ID }, from: null, to: ACTIVE },
    ]);
    const gone = await freshchat.GET('/agents/{agent_id}', { params: { path: { agent_id: extra.data?.id ?? '' } } });
    expect(gone.response.status).toBe(404);
    expect((await account.freshchat.GET('/agents/status')).response.status).toBe(401);
    expect((await account.control.GET('/_mock/clock')).response.status).toBe(401);
    expect((await control.GET('/_mock/webhooks')).data).toEqual({ subscriptions: [] });
    expect((await control.GET('/_mock/faults')).data).toEqual({ faults: [] });
    const oldReport = await freshchat.GET('/reports/raw/{id}', { params: { path: { id: report.data?.id ?? '' } } });
    expect(oldReport.response.status).toBe(404);
    // The rate-limit window is gone too: a report request is accepted at once, and not failed by the old fault.
    const again = await freshchat.POST('/reports/raw', {
      body: { start: iso(T0 - 3_600_000), end: iso(T0), event: 'Agent-IntelliAssign-Activity', format: 'csv' },
    });
    expect(again.response.status).toBe(202);
    await advance(30);
    const status = await freshchat.GET('/reports/raw/{id}', { params: { path: { id: again.data?.id ?? '' } } });
    expect(status.data?.status).toBe('COMPLETED');
  });

  it('empties the journal', async () => {
    const { freshchat, control } = openSandbox();
    await freshchat.GET('/agents');
    await control.POST('/_mock/reset');
    expect((await control.GET('/_mock/requests')).data).toEqual({ requests: [] });
  });
});
