import { describe, expect, it } from 'vitest';
import {
  ACTIVE,
  ADMIN_ID,
  historyOf,
  IDS,
  iso,
  openSandbox,
  T0,
  UNAVAILABLE,
  UNKNOWN_ID,
  UUID,
} from '../testing/sandbox-harness.js';

describe('agents', () => {
  it('creates an agent (201) that the Freshchat API lists, active from now on', async () => {
    const { control, freshchat, advance } = openSandbox();
    await advance(5);

    const { data, response } = await control.POST('/_mock/agents', {
      body: { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com', groups: ['g-1'] },
    });

    expect(response.status).toBe(201);
    expect(data).toMatchObject({
      id: expect.stringMatching(UUID),
      first_name: 'Ada',
      last_name: 'Lovelace',
      email: 'ada@example.com',
      is_deactivated: false,
      groups: ['g-1'],
      availability_status: 'AVAILABLE',
      agent_status: ACTIVE,
      routing_type: 'INTELLIASSIGN',
      created_time: iso(T0 + 5000),
    });
    const listed = await freshchat.GET('/agents');
    expect(listed.data?.agents.map((a) => a.id)).toEqual([
      IDS.john,
      IDS.matt,
      IDS.sarah,
      IDS.sebastian,
      ADMIN_ID,
      data?.id,
    ]);
    expect(listed.data?.agents.at(-1)).toEqual(data);
    expect(await historyOf(control, data?.id ?? '')).toEqual([
      { at: iso(T0 + 5000), actor: { actor_type: 'admin', actor_id: ADMIN_ID }, from: null, to: ACTIVE },
    ]);
  });

  it('creates an agent with a given id, on a given status, since a given time', async () => {
    const { control, advance } = openSandbox();
    await advance(60);
    const id = '0b0b0b0b-1111-4222-8333-444444444444';

    const { data } = await control.POST('/_mock/agents', {
      body: { id, first_name: 'Bo', last_name: 'Lunch', agent_status_id: IDS.lunch, since: iso(T0 + 30_000) },
    });

    expect(data?.id).toBe(id);
    expect(data?.agent_status).toEqual({ id: IDS.lunch, name: 'Lunch' });
    expect(data?.availability_status).toBe('UNAVAILABLE');
    expect((await historyOf(control, id)).map((h) => h.at)).toEqual([iso(T0 + 30_000)]);
  });

  it.each<[Record<string, string>, string]>([
    [{ first_name: 'Ada', last_name: '' }, 'ada@example.com'],
    [{ first_name: 'Émile', last_name: 'Zola' }, 'emile.zola@example.com'],
    [{ first_name: '李', last_name: '小龍', id: '0c0c0c0c-1111-4222-8333-444444444444' }, 'agent-0c0c0c0c@example.com'],
  ])('makes a valid email for %j when none is given, and /v2/agents/{id} serves it', async (body, email) => {
    const { control, freshchat } = openSandbox();
    const created = await control.POST('/_mock/agents', { body: body as never });
    expect(created.response.status).toBe(201);
    expect(created.data?.email).toBe(email);
    const served = await freshchat.GET('/agents/{agent_id}', {
      params: { path: { agent_id: created.data?.id ?? '' } },
    });
    expect(served.data?.email).toBe(email);
  });

  it('answers 400 naming agent_status_id for an unknown status', async () => {
    const { control, freshchat } = openSandbox();
    const { error, response } = await control.POST('/_mock/agents', {
      body: { first_name: 'Ada', last_name: 'Lovelace', agent_status_id: UNKNOWN_ID },
    });
    expect(response.status).toBe(400);
    expect(error).toEqual({ code: 400, status: 'INVALID_VALUE', message: 'agent_status_id: no status with this id' });
    expect((await freshchat.GET('/agents')).data?.agents).toHaveLength(5);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['no last name', { first_name: 'Ada' }, 'last_name: is required'],
    ['an empty first name', { first_name: '', last_name: 'L' }, 'first_name: must NOT have fewer than 1 characters'],
    ['a bad email', { first_name: 'A', last_name: 'L', email: 'ada' }, 'email: must match format "email"'],
    [
      'a bad routing type',
      { first_name: 'A', last_name: 'L', routing_type: 'X' },
      'routing_type: must be one of INTELLIASSIGN, OCR, DISABLED',
    ],
    [
      'a since in the future',
      { first_name: 'A', last_name: 'L', since: iso(T0 + 1000) },
      'since: must not be in the future nor earlier than the last recorded status change',
    ],
    [
      'a since before the last recorded change',
      { first_name: 'A', last_name: 'L', since: iso(T0 - 1000) },
      'since: must not be in the future nor earlier than the last recorded status change',
    ],
  ])('answers 400 for %s', async (_, body, message) => {
    const { control } = openSandbox();
    const { error, response } = await control.POST('/_mock/agents', { body: body as never });
    expect(response.status).toBe(400);
    expect(error).toEqual({ code: 400, status: 'INVALID_VALUE', message });
  });

  it('answers 409 AGENT_EXISTS for an id that is taken', async () => {
    const { control } = openSandbox();
    const { error, response } = await control.POST('/_mock/agents', {
      body: { id: IDS.john, first_name: 'John', last_name: 'Again' },
    });
    expect(response.status).toBe(409);
    expect(error).toEqual({ code: 409, status: 'AGENT_EXISTS', message: `id: an agent with id ${IDS.john} exists` });
  });

  it('changes a status as the agent would: the history names the agent as the actor', async () => {
    const { control, advance } = openSandbox();
    await advance(42);

    const { data, response } = await control.POST('/_mock/agents/{agent_id}/status', {
      params: { path: { agent_id: IDS.matt } },
      body: { agent_status: { id: IDS.teaBreak } },
    });

    expect(response.status).toBe(200);
    expect(data).toEqual({ availability_status: 'UNAVAILABLE', agent_status: { id: IDS.teaBreak, name: 'Tea break' } });
    expect((await historyOf(control, IDS.matt)).at(-1)).toEqual({
      at: iso(T0 + 42_000),
      actor: { actor_type: 'agent', actor_id: IDS.matt },
      from: ACTIVE,
      to: { id: IDS.teaBreak, name: 'Tea break' },
    });
  });

  it('applies the same rules as the API to agent-made changes', async () => {
    const { control } = openSandbox();
    const asAgent = (agentId: string, body: object) =>
      control.POST('/_mock/agents/{agent_id}/status', { params: { path: { agent_id: agentId } }, body: body as never });
    const retired = await control.POST('/_mock/agents', {
      body: { first_name: 'Old', last_name: 'Timer', is_deactivated: true },
    });

    const unknownAgent = await asAgent(UNKNOWN_ID, { availability_status: 'UNAVAILABLE' });
    const unknownStatus = await asAgent(IDS.john, { agent_status: { id: UNKNOWN_ID } });
    const deactivated = await asAgent(retired.data?.id ?? '', { availability_status: 'UNAVAILABLE' });
    const unavailable = await asAgent(IDS.john, { availability_status: 'UNAVAILABLE' });
    const same = await asAgent(IDS.john, { availability_status: 'UNAVAILABLE' });

    expect(unknownAgent.response.status).toBe(404);
    expect(unknownAgent.error).toEqual({ code: 404, status: 'AGENT_NOT_FOUND', message: 'agent_id: agent not found' });
    expect(unknownStatus.response.status).toBe(400);
    expect(unknownStatus.error).toEqual({
      code: 400,
      status: 'INVALID_VALUE',
      message: 'agent_status.id: no status with this id',
    });
    expect(deactivated.response.status).toBe(409);
    expect(unavailable.data).toEqual({ availability_status: 'UNAVAILABLE', agent_status: UNAVAILABLE });
    expect(same.response.status).toBe(200);
    expect(await historyOf(control, IDS.john)).toHaveLength(2);
  });

  it('answers 404 for the history of an unknown agent', async () => {
    const { control } = openSandbox();
    const { error, response } = await control.GET('/_mock/agents/{agent_id}/history', {
      params: { path: { agent_id: UNKNOWN_ID } },
    });
    expect(response.status).toBe(404);
    expect(error).toEqual({ code: 404, status: 'AGENT_NOT_FOUND', message: 'agent_id: agent not found' });
  });

  it('gives every change of the history its from, to, actor and time, oldest first', async () => {
    const { control, freshchat, advance } = openSandbox();
    await advance(10);
    await freshchat.PATCH('/agents/{agent_id}', {
      params: { path: { agent_id: IDS.sarah } },
      body: { availability_status: 'UNAVAILABLE' },
    });
    await advance(10);
    await control.POST('/_mock/agents/{agent_id}/status', {
      params: { path: { agent_id: IDS.sarah } },
      body: { agent_status: { id: IDS.break } },
    });

    const { data } = await control.GET('/_mock/agents/{agent_id}/history', {
      params: { path: { agent_id: IDS.sarah } },
    });

    expect(data).toEqual({
      agent_id: IDS.sarah,
      history: [
        { at: iso(T0), actor: { actor_type: 'admin', actor_id: ADMIN_ID }, from: null, to: ACTIVE },
        { at: iso(T0 + 10_000), actor: { actor_type: 'admin', actor_id: ADMIN_ID }, from: ACTIVE, to: UNAVAILABLE },
        {
          at: iso(T0 + 20_000),
          actor: { actor_type: 'agent', actor_id: IDS.sarah },
          from: UNAVAILABLE,
          to: { id: IDS.break, name: 'Break' },
        },
      ],
    });
  });
});
