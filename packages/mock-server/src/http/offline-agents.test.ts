import { describe, expect, it } from 'vitest';
import { IDS, openSandbox, UNKNOWN_ID } from '../testing/sandbox-harness.js';

const ACTIVE = { id: IDS.active, name: 'Active on IntelliAssign' };
const MEETING = { id: IDS.meeting, name: 'Meeting' };
const OFFLINE = {
  code: 409,
  status: 'AGENT_OFFLINE',
  message: 'agent_id: agent is offline and cannot be made AVAILABLE',
};

type Sandbox = ReturnType<typeof openSandbox>;

async function logIn(sandbox: Sandbox, agentId: string, loginStatus: boolean) {
  return sandbox.control.PATCH('/_mock/agents/{agent_id}', {
    params: { path: { agent_id: agentId } },
    body: { login_status: loginStatus },
  });
}

async function patch(sandbox: Sandbox, agentId: string, body: Parameters<Sandbox['freshchat']['PATCH']>[1]['body']) {
  return sandbox.freshchat.PATCH('/agents/{agent_id}', { params: { path: { agent_id: agentId } }, body });
}

describe('login_status', () => {
  it('is true for seed agents, in GET /v2/agents/{id} and in the list', async () => {
    const { freshchat } = openSandbox();
    const one = await freshchat.GET('/agents/{agent_id}', { params: { path: { agent_id: IDS.john } } });
    const list = await freshchat.GET('/agents');
    expect(one.data?.login_status).toBe(true);
    expect(list.data?.agents.map((a) => a.login_status)).toEqual([true, true, true, true, true]);
  });

  it('PATCH /_mock/agents/{id} logs an agent out and in, answering the agent, without changing its status', async () => {
    const sandbox = openSandbox();

    const out = await logIn(sandbox, IDS.john, false);
    const read = await sandbox.freshchat.GET('/agents/{agent_id}', { params: { path: { agent_id: IDS.john } } });

    expect(out.response.status).toBe(200);
    expect(out.data).toMatchObject({ id: IDS.john, login_status: false, agent_status: ACTIVE });
    expect(read.data).toEqual(out.data);
    const history = await sandbox.control.GET('/_mock/agents/{agent_id}/history', {
      params: { path: { agent_id: IDS.john } },
    });
    expect(history.data?.history).toHaveLength(1);
    expect((await logIn(sandbox, IDS.john, true)).data?.login_status).toBe(true);
  });

  it('answers 404 for an unknown agent and 400 naming login_status for a wrong value', async () => {
    const sandbox = openSandbox();
    const unknown = await logIn(sandbox, UNKNOWN_ID, false);
    const wrong = await sandbox.control.PATCH('/_mock/agents/{agent_id}', {
      params: { path: { agent_id: IDS.john } },
      body: { login_status: 'no' } as never,
    });
    expect(unknown.response.status).toBe(404);
    expect(wrong.response.status).toBe(400);
    expect(wrong.error?.message).toBe('login_status: must be boolean');
  });

  it('a seed file can start an agent offline, and a reset brings it back offline', async () => {
    const { freshchat, control } = openSandbox({
      seed: {
        accounts: [
          {
            token: 'sandbox-token',
            agents: [
              { id: IDS.john, first_name: 'John', last_name: 'Doe', login_status: false },
              { id: IDS.matt, first_name: 'Matt', last_name: 'Gibson' },
            ],
          },
        ],
      },
    });
    const loginStatuses = async () => (await freshchat.GET('/agents')).data?.agents.map((a) => a.login_status);

    expect(await loginStatuses()).toEqual([false, true, true]); // the seed's two and the admin
    await control.PATCH('/_mock/agents/{agent_id}', {
      params: { path: { agent_id: IDS.john } },
      body: { login_status: true },
    });
    expect(await loginStatuses()).toEqual([true, true, true]);
    await control.POST('/_mock/reset');
    expect(await loginStatuses()).toEqual([false, true, true]);
  });
});

describe('PATCH /v2/agents/{id} on an offline agent', () => {
  it.each([
    ['availability_status AVAILABLE', { availability_status: 'AVAILABLE' as const }],
    ['the "Active on IntelliAssign" status', { agent_status: { id: IDS.active } }],
  ])('answers 409 AGENT_OFFLINE to %s, and changes nothing', async (_, body) => {
    const sandbox = openSandbox();
    await patch(sandbox, IDS.john, { agent_status: { id: IDS.meeting } });
    await logIn(sandbox, IDS.john, false);

    const { error, response } = await patch(sandbox, IDS.john, body);

    expect(response.status).toBe(409);
    expect(error).toEqual(OFFLINE);
    const read = await sandbox.freshchat.GET('/agents/{agent_id}', { params: { path: { agent_id: IDS.john } } });
    expect(read.data?.agent_status).toEqual(MEETING);
  });

  it('allows every other change, and AVAILABLE again once the agent is back online', async () => {
    const sandbox = openSandbox();
    await logIn(sandbox, IDS.john, false);

    const toMeeting = await patch(sandbox, IDS.john, { agent_status: { id: IDS.meeting } });
    const unavailable = await patch(sandbox, IDS.john, { availability_status: 'UNAVAILABLE' });
    await logIn(sandbox, IDS.john, true);
    const back = await patch(sandbox, IDS.john, { availability_status: 'AVAILABLE' });

    expect(toMeeting.response.status).toBe(200);
    expect(unavailable.response.status).toBe(200);
    expect(back.data).toEqual({ availability_status: 'AVAILABLE', agent_status: ACTIVE });
  });
});
