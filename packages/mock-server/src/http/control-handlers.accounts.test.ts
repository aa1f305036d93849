import { describe, expect, it } from 'vitest';
import {
  ACTIVE,
  ADMIN_ID,
  auth,
  BUILT_INS,
  createAccount,
  IDS,
  openSandbox,
  SEED_STATUS_NAMES,
  UNAVAILABLE,
  UNKNOWN_ID,
  UUID,
} from '../testing/sandbox-harness.js';

describe('control API authentication', () => {
  it('answers 401 in the error shape without a token or with an unknown one', async () => {
    const { raw, clientsFor } = openSandbox();

    const missing = await raw('/_mock/clock');
    const unknown = await clientsFor('nobody-here').control.GET('/_mock/clock');

    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({
      code: 401,
      status: 'UNAUTHORIZED',
      message: 'Authorization: a bearer token is required',
    });
    expect(unknown.response.status).toBe(401);
    expect(unknown.error).toEqual({
      code: 401,
      status: 'UNAUTHORIZED',
      message: 'Authorization: the token is not valid',
    });
  });
});

describe('the account', () => {
  it("describes the token's account", async () => {
    const { control } = openSandbox();
    const { data, response } = await control.GET('/_mock/account');
    expect(response.status).toBe(200);
    expect(data).toEqual({
      app_id: IDS.appId,
      admin_id: ADMIN_ID,
      built_in_statuses: { active: ACTIVE, unavailable: UNAVAILABLE },
    });
  });
});

describe('built-in status ids', () => {
  it('are random per account without a seed that sets them, and stay the same across a reset', async () => {
    const { control } = openSandbox({ seed: undefined });
    const first = (await control.GET('/_mock/account')).data?.built_in_statuses;
    const listed = (await control.GET('/_mock/statuses')).data?.states.slice(0, 2);
    await control.POST('/_mock/reset');
    const afterReset = (await control.GET('/_mock/account')).data?.built_in_statuses;
    const another = openSandbox({ seed: undefined });
    const elsewhere = (await another.control.GET('/_mock/account')).data?.built_in_statuses;

    expect(first?.active.id).toMatch(UUID);
    expect(first?.active.id).not.toBe('00000000-0000-4000-8000-000000000001');
    expect(listed).toEqual([
      { ...first?.active, emoji: '', built_in: true },
      { ...first?.unavailable, emoji: '', built_in: true },
    ]);
    expect(afterReset).toEqual(first);
    expect(elsewhere?.active.id).not.toBe(first?.active.id);
  });

  it('are drawn from the id seed: the same seed gives the same ids, another seed others', async () => {
    const ids = async (idSeed: number) =>
      (await openSandbox({ seed: undefined, idSeed }).control.GET('/_mock/account')).data?.built_in_statuses;
    expect(await ids(42)).toEqual(await ids(42));
    expect((await ids(42))?.active.id).not.toBe((await ids(43))?.active.id);
  });

  it("can be set by a seed (an account of POST /_mock/accounts too), never to another account's ids", async () => {
    const sandbox = openSandbox();
    const chosen = {
      active: '5e1f0000-0000-4000-8000-00000000000a',
      unavailable: '5e1f0000-0000-4000-8000-00000000000b',
    };
    const other = await createAccount(sandbox, { built_in_status_ids: chosen });
    const taken = await sandbox.control.POST('/_mock/accounts', {
      body: { built_in_status_ids: { active: IDS.active, unavailable: UNKNOWN_ID } },
    });
    const same = await sandbox.control.POST('/_mock/accounts', {
      body: { built_in_status_ids: { active: UNKNOWN_ID, unavailable: UNKNOWN_ID } },
    });

    expect((await other.control.GET('/_mock/account')).data?.built_in_statuses).toEqual({
      active: { id: chosen.active, name: 'Active on IntelliAssign' },
      unavailable: { id: chosen.unavailable, name: 'Unavailable' },
    });
    expect(taken.response.status).toBe(409);
    expect(taken.error?.message).toBe('built_in_status_ids.active: another account has this status id');
    expect(same.response.status).toBe(400);
    expect(same.error?.message).toBe('built_in_status_ids: the two ids must differ');
  });
});

describe('accounts', () => {
  it('creates an account (201) that holds the two built-in statuses and nothing else', async () => {
    const sandbox = openSandbox();
    const { data, response } = await sandbox.control.POST('/_mock/accounts', { body: {} });
    const other = sandbox.clientsFor(data?.token ?? '');

    expect(response.status).toBe(201);
    expect(data).toEqual({ app_id: expect.stringMatching(UUID), token: expect.any(String) });
    expect(data?.app_id).not.toBe(IDS.appId);
    expect((await other.freshchat.GET('/agents/status')).data).toEqual({ states: [] });
    // The two built-in statuses, with ids of the new account's own: none is the first account's.
    const theirs = (await other.control.GET('/_mock/account')).data?.built_in_statuses;
    expect((await other.control.GET('/_mock/statuses')).data).toEqual({
      states: [
        { ...BUILT_INS[0], id: theirs?.active.id },
        { ...BUILT_INS[1], id: theirs?.unavailable.id },
      ],
    });
    expect(theirs).toEqual({
      active: { id: expect.stringMatching(UUID), name: 'Active on IntelliAssign' },
      unavailable: { id: expect.stringMatching(UUID), name: 'Unavailable' },
    });
    expect([IDS.active, IDS.unavailable]).not.toContain(theirs?.active.id);
    expect([IDS.active, IDS.unavailable]).not.toContain(theirs?.unavailable.id);
    // No agent but its admin, the token's owner.
    const agents = (await other.freshchat.GET('/agents')).data?.agents ?? [];
    const admin = (await other.control.GET('/_mock/account')).data?.admin_id;
    expect(agents.map((a) => [a.id, a.role_id, `${a.first_name} ${a.last_name}`])).toEqual([
      [admin, 'ADMIN', 'Account Admin'],
    ]);
    expect((await other.control.GET('/_mock/account')).data?.app_id).toBe(data?.app_id);
  });

  it('creates an account without a body', async () => {
    const { raw } = openSandbox();
    const response = await raw('/_mock/accounts', { method: 'POST', headers: auth() });
    expect(response.status).toBe(201);
  });

  it('keeps accounts apart: neither token reaches the other account’s agents or statuses', async () => {
    const sandbox = openSandbox();
    const other = await createAccount(sandbox, {
      token: 'second-account-token',
      statuses: [{ name: 'On a call', emoji: '📞' }],
      agents: [{ first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' }],
    });

    const theirAgents = (await other.freshchat.GET('/agents')).data?.agents ?? [];
    const ada = theirAgents[0]?.id ?? '';
    const theirActive = (await other.control.GET('/_mock/account')).data?.built_in_statuses.active.id;
    // The other account's "Active on IntelliAssign" is not a status of this one.
    const theirActiveFromHere = await sandbox.freshchat.PATCH('/agents/{agent_id}', {
      params: { path: { agent_id: IDS.john } },
      body: { agent_status: { id: theirActive ?? '' } },
    });
    const johnFromThere = await other.freshchat.GET('/agents/{agent_id}', {
      params: { path: { agent_id: IDS.john } },
    });
    const adaFromHere = await sandbox.freshchat.GET('/agents/{agent_id}', { params: { path: { agent_id: ada } } });
    const patchJohnFromThere = await other.freshchat.PATCH('/agents/{agent_id}', {
      params: { path: { agent_id: IDS.john } },
      body: { availability_status: 'UNAVAILABLE' },
    });
    const johnAsAgentFromThere = await other.control.POST('/_mock/agents/{agent_id}/status', {
      params: { path: { agent_id: IDS.john } },
      body: { availability_status: 'UNAVAILABLE' },
    });
    const theirStatus = (await other.freshchat.GET('/agents/status')).data?.states[0];
    const theirStatusFromHere = await sandbox.freshchat.PATCH('/agents/{agent_id}', {
      params: { path: { agent_id: IDS.john } },
      body: { agent_status: { id: theirStatus?.id ?? '' } },
    });

    expect(other.token).toBe('second-account-token');
    expect(theirAgents.map((a) => [a.first_name, a.email, a.agent_status.id])).toEqual([
      ['Ada', 'ada@example.com', theirActive],
      ['Account', 'account.admin@example.com', theirActive],
    ]);
    expect(theirActive).not.toBe(IDS.active);
    expect(theirActiveFromHere.response.status).toBe(400);
    expect(theirStatus?.name).toBe('On a call');
    expect(johnFromThere.response.status).toBe(404);
    expect(johnFromThere.error).toEqual({ code: 404, status: 'AGENT_NOT_FOUND', message: 'agent_id: agent not found' });
    expect(adaFromHere.response.status).toBe(404);
    expect(patchJohnFromThere.response.status).toBe(404);
    expect(johnAsAgentFromThere.response.status).toBe(404);
    expect(theirStatusFromHere.response.status).toBe(400);
    expect((await sandbox.freshchat.GET('/agents')).data?.agents).toHaveLength(5);
    expect((await sandbox.freshchat.GET('/agents/status')).data?.states.map((s) => s.name)).toEqual(SEED_STATUS_NAMES);
  });

  it('answers 409 ACCOUNT_EXISTS for a token or app id that is taken', async () => {
    const { control } = openSandbox();

    const token = await control.POST('/_mock/accounts', { body: { token: 'sandbox-token' } });
    const appId = await control.POST('/_mock/accounts', { body: { app_id: IDS.appId } });

    expect(token.response.status).toBe(409);
    expect(token.error).toEqual({
      code: 409,
      status: 'ACCOUNT_EXISTS',
      message: 'token: an account with this token exists',
    });
    expect(appId.response.status).toBe(409);
    expect(appId.error).toEqual({
      code: 409,
      status: 'ACCOUNT_EXISTS',
      message: 'app_id: an account with this app id exists',
    });
  });

  it('answers 409 STATUS_NAME_TAKEN for a seed with two statuses of one name', async () => {
    const { control } = openSandbox();
    const { error, response } = await control.POST('/_mock/accounts', {
      body: { statuses: [{ name: 'Call' }, { name: 'call' }] },
    });
    expect(response.status).toBe(409);
    expect(error).toEqual({
      code: 409,
      status: 'STATUS_NAME_TAKEN',
      message: 'statuses[1].name: a status named "call" exists',
    });
  });

  it.each<[string, unknown, string]>([
    ['a token that is too short', { token: 'abc' }, 'token: must NOT have fewer than 8 characters'],
    [
      'a seed agent on an unknown status',
      { agents: [{ first_name: 'A', last_name: 'B', agent_status_id: UNKNOWN_ID }] },
      'agents[0].agent_status_id: no status with this id',
    ],
    ['a seed agent without a first name', { agents: [{ last_name: 'B' }] }, 'agents[0].first_name: is required'],
  ])('answers 400 for %s, naming the field', async (_, body, message) => {
    const { control } = openSandbox();
    const { error, response } = await control.POST('/_mock/accounts', { body: body as never });
    expect(response.status).toBe(400);
    expect(error).toEqual({ code: 400, status: 'INVALID_VALUE', message });
  });
});
