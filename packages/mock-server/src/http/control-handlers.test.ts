import { describe, expect, it } from 'vitest';
import { auth, IDS, iso, openSandbox, T0, UNKNOWN_ID } from '../testing/sandbox-harness.js';

const ADMIN_ID = '5b3c1f0e-7a52-4d6b-9c1e-2f4a8d9e0b71';
const ACTIVE = { id: IDS.active, name: 'Active on IntelliAssign' };
const UNAVAILABLE = { id: IDS.unavailable, name: 'Unavailable' };
const BUILT_INS = [
  { ...ACTIVE, emoji: '', built_in: true },
  { ...UNAVAILABLE, emoji: '', built_in: true },
];
const SEED_STATUS_NAMES = ['Lunch', 'Break', 'Meeting', 'Knowledge training', 'Tea break'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type Sandbox = ReturnType<typeof openSandbox>;

async function historyOf(control: Sandbox['control'], agentId: string) {
  const { data } = await control.GET('/_mock/agents/{agent_id}/history', { params: { path: { agent_id: agentId } } });
  return data?.history ?? [];
}

async function createAccount(sandbox: Sandbox, body: object = {}) {
  const { data, response } = await sandbox.control.POST('/_mock/accounts', { body: body as never });
  if (response.status !== 201 || !data) throw new Error(`createAccount: ${response.status}`);
  return { ...data, ...sandbox.clientsFor(data.token) };
}

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
    expect(agents?.map((a) => a.id)).toEqual([IDS.john, IDS.matt, IDS.sarah, IDS.sebastian]);
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

describe('statuses', () => {
  it('lists the built-in statuses first, then the custom ones', async () => {
    const { control } = openSandbox();
    const { data } = await control.GET('/_mock/statuses');
    expect(data?.states.slice(0, 2)).toEqual(BUILT_INS);
    expect(data?.states.slice(2).map((s) => [s.name, s.emoji, s.built_in])).toEqual([
      ['Lunch', '🍔', false],
      ['Break', '☕', false],
      ['Meeting', '📅', false],
      ['Knowledge training', '📚', false],
      ['Tea break', '🍵', false],
    ]);
  });

  it('creates a custom status that agents can be put on', async () => {
    const { control, freshchat } = openSandbox();

    const { data, response } = await control.POST('/_mock/statuses', {
      body: { name: 'Away for Coffee Break', emoji: '☕' },
    });
    const patched = await freshchat.PATCH('/agents/{agent_id}', {
      params: { path: { agent_id: IDS.john } },
      body: { agent_status: { id: data?.id ?? '' } },
    });

    expect(response.status).toBe(201);
    expect(data).toEqual({
      id: expect.stringMatching(UUID),
      name: 'Away for Coffee Break',
      emoji: '☕',
      built_in: false,
    });
    expect(patched.data).toEqual({
      availability_status: 'UNAVAILABLE',
      agent_status: { id: data?.id, name: 'Away for Coffee Break' },
    });
  });

  it.each([
    ['a custom status', 'lunch', 'name: a status named "lunch" exists'],
    ['a built-in status', 'Unavailable', 'name: a status named "Unavailable" exists'],
  ])('answers 409 STATUS_NAME_TAKEN for the name of %s, whatever its case', async (_, name, message) => {
    const { control } = openSandbox();
    const { error, response } = await control.POST('/_mock/statuses', { body: { name } });
    expect(response.status).toBe(409);
    expect(error).toEqual({ code: 409, status: 'STATUS_NAME_TAKEN', message });
  });

  it.each<[string, unknown, string]>([
    ['an empty name', { name: '' }, 'name: must NOT have fewer than 1 characters'],
    ['a blank name', { name: '   ' }, 'name: must not be blank'],
    ['no name', { emoji: '☕' }, 'name: is required'],
    ['a name over 100 characters', { name: 'x'.repeat(101) }, 'name: must NOT have more than 100 characters'],
  ])('answers 400 for %s', async (_, body, message) => {
    const { control } = openSandbox();
    const { error, response } = await control.POST('/_mock/statuses', { body: body as never });
    expect(response.status).toBe(400);
    expect(error).toEqual({ code: 400, status: 'INVALID_VALUE', message });
  });

  it('renames a custom status: agents on it show the new name, history keeps the old one', async () => {
    const { control, freshchat } = openSandbox();
    await freshchat.PATCH('/agents/{agent_id}', {
      params: { path: { agent_id: IDS.john } },
      body: { agent_status: { id: IDS.meeting } },
    });

    const { data, response } = await control.PATCH('/_mock/statuses/{status_id}', {
      params: { path: { status_id: IDS.meeting } },
      body: { name: 'Stand-up', emoji: '🧍' },
    });

    expect(response.status).toBe(200);
    expect(data).toEqual({ id: IDS.meeting, name: 'Stand-up', emoji: '🧍', built_in: false });
    const agent = await freshchat.GET('/agents/{agent_id}', { params: { path: { agent_id: IDS.john } } });
    expect(agent.data?.agent_status).toEqual({ id: IDS.meeting, name: 'Stand-up' });
    expect((await historyOf(control, IDS.john)).at(-1)?.to).toEqual({ id: IDS.meeting, name: 'Meeting' });
  });

  it('lets a status change the case of its own name, but not take another one', async () => {
    const { control } = openSandbox();
    const own = await control.PATCH('/_mock/statuses/{status_id}', {
      params: { path: { status_id: IDS.lunch } },
      body: { name: 'LUNCH' },
    });
    const taken = await control.PATCH('/_mock/statuses/{status_id}', {
      params: { path: { status_id: IDS.lunch } },
      body: { name: 'break' },
    });
    expect(own.data?.name).toBe('LUNCH');
    expect(taken.response.status).toBe(409);
    expect(taken.error).toEqual({
      code: 409,
      status: 'STATUS_NAME_TAKEN',
      message: 'name: a status named "break" exists',
    });
  });

  it('answers 400 for an empty patch', async () => {
    const { control } = openSandbox();
    const { error, response } = await control.PATCH('/_mock/statuses/{status_id}', {
      params: { path: { status_id: IDS.lunch } },
      body: {},
    });
    expect(response.status).toBe(400);
    expect(error).toEqual({ code: 400, status: 'INVALID_VALUE', message: 'body: must not be empty' });
  });

  const builtInRefused = {
    code: 403,
    status: 'BUILT_IN_STATUS',
    message: 'status_id: built-in statuses cannot be edited or deleted',
  };

  it.each([IDS.active, IDS.unavailable])('answers 403 to editing or deleting built-in status %s', async (id) => {
    const { control } = openSandbox();

    const edited = await control.PATCH('/_mock/statuses/{status_id}', {
      params: { path: { status_id: id } },
      body: { name: 'Renamed' },
    });
    const deleted = await control.DELETE('/_mock/statuses/{status_id}', { params: { path: { status_id: id } } });

    expect(edited.response.status).toBe(403);
    expect(edited.error).toEqual(builtInRefused);
    expect(deleted.response.status).toBe(403);
    expect(deleted.error).toEqual(builtInRefused);
    expect((await control.GET('/_mock/statuses')).data?.states.slice(0, 2)).toEqual(BUILT_INS);
  });

  it('answers 404 STATUS_NOT_FOUND for an unknown status', async () => {
    const { control } = openSandbox();
    const notFound = { code: 404, status: 'STATUS_NOT_FOUND', message: 'status_id: status not found' };

    const edited = await control.PATCH('/_mock/statuses/{status_id}', {
      params: { path: { status_id: UNKNOWN_ID } },
      body: { name: 'Renamed' },
    });
    const deleted = await control.DELETE('/_mock/statuses/{status_id}', {
      params: { path: { status_id: UNKNOWN_ID } },
    });

    expect(edited.response.status).toBe(404);
    expect(edited.error).toEqual(notFound);
    expect(deleted.response.status).toBe(404);
    expect(deleted.error).toEqual(notFound);
  });

  it('deletes a custom status nobody is on: 204, and it is gone', async () => {
    const { control, freshchat } = openSandbox();

    const { response } = await control.DELETE('/_mock/statuses/{status_id}', {
      params: { path: { status_id: IDS.teaBreak } },
    });
    const patched = await freshchat.PATCH('/agents/{agent_id}', {
      params: { path: { agent_id: IDS.john } },
      body: { agent_status: { id: IDS.teaBreak } },
    });

    expect(response.status).toBe(204);
    expect((await freshchat.GET('/agents/status')).data?.states.map((s) => s.id)).not.toContain(IDS.teaBreak);
    expect(patched.response.status).toBe(400);
  });

  it('answers 409 STATUS_IN_USE for a status an agent is on, and allows it once they left', async () => {
    const { control, freshchat } = openSandbox();
    const put = (agentId: string, statusId: string) =>
      freshchat.PATCH('/agents/{agent_id}', {
        params: { path: { agent_id: agentId } },
        body: { agent_status: { id: statusId } },
      });
    const remove = () => control.DELETE('/_mock/statuses/{status_id}', { params: { path: { status_id: IDS.lunch } } });
    await put(IDS.john, IDS.lunch);
    await put(IDS.matt, IDS.lunch);

    const two = await remove();
    await put(IDS.matt, IDS.active);
    const one = await remove();
    await put(IDS.john, IDS.active);
    const none = await remove();

    expect(two.response.status).toBe(409);
    expect(two.error).toEqual({
      code: 409,
      status: 'STATUS_IN_USE',
      message: 'status_id: 2 agents are on this status',
    });
    expect(one.error).toEqual({ code: 409, status: 'STATUS_IN_USE', message: 'status_id: 1 agent is on this status' });
    expect(none.response.status).toBe(204);
    // The history keeps the deleted status's name.
    expect((await historyOf(control, IDS.john)).map((h) => h.to.name)).toEqual([
      'Active on IntelliAssign',
      'Lunch',
      'Active on IntelliAssign',
    ]);
  });
});

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
    expect(listed.data?.agents.map((a) => a.id)).toEqual([IDS.john, IDS.matt, IDS.sarah, IDS.sebastian, data?.id]);
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
    expect((await freshchat.GET('/agents')).data?.agents).toHaveLength(4);
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

describe('webhook subscriptions', () => {
  it('subscribes, lists and unsubscribes', async () => {
    const { control, advance } = openSandbox();
    await advance(3);

    const created = await control.POST('/_mock/webhooks', { body: { url: 'https://example.com/freshchat' } });
    const listed = await control.GET('/_mock/webhooks');
    const removed = await control.DELETE('/_mock/webhooks/{subscription_id}', {
      params: { path: { subscription_id: created.data?.id ?? '' } },
    });
    const again = await control.DELETE('/_mock/webhooks/{subscription_id}', {
      params: { path: { subscription_id: created.data?.id ?? '' } },
    });

    expect(created.response.status).toBe(201);
    expect(created.data).toEqual({
      id: expect.stringMatching(UUID),
      url: 'https://example.com/freshchat',
      created_at: iso(T0 + 3000),
    });
    expect(listed.data).toEqual({ subscriptions: [created.data] });
    expect(removed.response.status).toBe(204);
    expect((await control.GET('/_mock/webhooks')).data).toEqual({ subscriptions: [] });
    expect(again.response.status).toBe(404);
    expect(again.error).toEqual({
      code: 404,
      status: 'SUBSCRIPTION_NOT_FOUND',
      message: 'subscription_id: subscription not found',
    });
  });

  it('is idempotent per URL: subscribing a subscribed URL again answers 200 with the existing subscription', async () => {
    const { control, advance } = openSandbox();
    const first = await control.POST('/_mock/webhooks', { body: { url: 'https://example.com/freshchat' } });
    await advance(10);

    const again = await control.POST('/_mock/webhooks', { body: { url: 'https://example.com/freshchat' } });
    const normalised = await control.POST('/_mock/webhooks', { body: { url: 'HTTPS://EXAMPLE.com:443/freshchat' } });
    const other = await control.POST('/_mock/webhooks', { body: { url: 'https://example.com/freshchat/2' } });

    expect(first.response.status).toBe(201);
    expect(again.response.status).toBe(200);
    expect(again.data).toEqual(first.data);
    expect(normalised.response.status).toBe(200);
    expect(normalised.data).toEqual(first.data);
    expect(other.response.status).toBe(201);
    expect((await control.GET('/_mock/webhooks')).data?.subscriptions).toEqual([first.data, other.data]);
  });

  it.each([
    ['ftp://example.com/hook', 'url: must be an http or https URL'],
    ['hello', 'url: must match format "uri"'],
  ])('answers 400 for %s', async (url, message) => {
    const { control } = openSandbox();
    const { error, response } = await control.POST('/_mock/webhooks', { body: { url } });
    expect(response.status).toBe(400);
    expect(error).toEqual({ code: 400, status: 'INVALID_VALUE', message });
    expect((await control.GET('/_mock/webhooks')).data).toEqual({ subscriptions: [] });
  });

  it('serves the public key as PEM, the same on every call', async () => {
    const { control, raw } = openSandbox();

    const response = await raw('/_mock/webhooks/public-key', { headers: auth() });
    const text = await response.text();
    const again = await (await raw('/_mock/webhooks/public-key', { headers: auth() })).text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-pem-file');
    expect(text).toMatch(/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----\n$/);
    expect(again).toBe(text);
    expect((await control.GET('/_mock/webhooks/public-key', { parseAs: 'text' })).data).toBe(text);
  });

  it('serves the same key on one line under RSA PUBLIC KEY with ?format=freshchat, and 400 for an unknown format', async () => {
    const { control, raw } = openSandbox();

    const pem = await (await raw('/_mock/webhooks/public-key?format=pem', { headers: auth() })).text();
    const shown = await control.GET('/_mock/webhooks/public-key', {
      params: { query: { format: 'freshchat' } },
      parseAs: 'text',
    });
    const unknown = await raw('/_mock/webhooks/public-key?format=der', { headers: auth() });

    const base64 = pem.replace(/-----[A-Z ]+-----|\s/g, '');
    expect(shown.data).toBe(`-----BEGIN RSA PUBLIC KEY----- ${base64} -----END RSA PUBLIC KEY-----`);
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { message: string }).message).toBe('format: must be one of pem, freshchat');
  });

  it('gives every account its own key pair', async () => {
    const sandbox = openSandbox();
    const other = await createAccount(sandbox);
    const mine = await sandbox.control.GET('/_mock/webhooks/public-key', { parseAs: 'text' });
    const theirs = await other.control.GET('/_mock/webhooks/public-key', { parseAs: 'text' });
    expect(mine.data).not.toBe(theirs.data);
  });
});

describe('faults', () => {
  it('an error fault answers 503 on the named operation only, as many times as its count', async () => {
    const { control, freshchat } = openSandbox();

    const injected = await control.POST('/_mock/faults', {
      body: { type: 'error', operation: 'listAgentStatuses', status: 503, count: 2 },
    });
    const first = await freshchat.GET('/agents/status');
    const other = await freshchat.GET('/agents');
    const listed = await control.GET('/_mock/faults');
    const second = await freshchat.GET('/agents/status');
    const third = await freshchat.GET('/agents/status');

    expect(injected.response.status).toBe(201);
    expect(injected.data).toEqual({
      id: expect.stringMatching(UUID),
      type: 'error',
      operation: 'listAgentStatuses',
      status: 503,
      remaining: 2,
    });
    expect(first.response.status).toBe(503);
    expect(first.error).toEqual({
      code: 503,
      status: 'SERVICE_UNAVAILABLE',
      message: 'service temporarily unavailable (injected fault)',
    });
    expect(other.response.status).toBe(200);
    expect(listed.data?.faults).toEqual([{ ...injected.data, remaining: 1 }]);
    expect(second.response.status).toBe(503);
    expect(third.response.status).toBe(200);
    expect((await control.GET('/_mock/faults')).data).toEqual({ faults: [] });
  });

  it('an error fault without an operation hits every /v2 operation until removed, and no control call', async () => {
    const { control, freshchat } = openSandbox();
    const { data: fault } = await control.POST('/_mock/faults', { body: { type: 'error' } });

    const statuses = [
      (await freshchat.GET('/agents/status')).response.status,
      (await freshchat.GET('/agents')).response.status,
      (await freshchat.GET('/agents/{agent_id}', { params: { path: { agent_id: IDS.john } } })).response.status,
      (
        await freshchat.PATCH('/agents/{agent_id}', {
          params: { path: { agent_id: IDS.john } },
          body: { availability_status: 'UNAVAILABLE' },
        })
      ).response.status,
      (
        await freshchat.POST('/reports/raw', {
          body: { start: iso(T0 - 1000), end: iso(T0), event: 'Agent-IntelliAssign-Activity', format: 'csv' },
        })
      ).response.status,
      (await freshchat.GET('/reports/raw/{id}', { params: { path: { id: UNKNOWN_ID } } })).response.status,
    ];
    const clock = await control.GET('/_mock/clock');
    const removed = await control.DELETE('/_mock/faults/{fault_id}', {
      params: { path: { fault_id: fault?.id ?? '' } },
    });
    const after = await freshchat.GET('/agents/status');

    expect(statuses).toEqual([503, 503, 503, 503, 503, 503]);
    expect(fault?.remaining).toBeNull();
    expect(clock.response.status).toBe(200);
    expect(removed.response.status).toBe(204);
    expect(after.response.status).toBe(200);
    // The refused PATCH changed nothing.
    expect(await historyOf(control, IDS.john)).toHaveLength(1);
  });

  it('a 429 error fault carries Retry-After', async () => {
    const { control, freshchat } = openSandbox();
    await control.POST('/_mock/faults', { body: { type: 'error', operation: 'getAgent', status: 429, count: 1 } });

    const { error, response } = await freshchat.GET('/agents/{agent_id}', { params: { path: { agent_id: IDS.john } } });

    expect(response.status).toBe(429);
    expect(response.headers.get('Retry-After')).toBe('1');
    expect(error).toEqual({
      code: 429,
      status: 'TOO_MANY_REQUESTS',
      message: 'too many requests (injected fault); retry after 1 seconds',
    });
  });

  it('a latency fault delays the answers of its operation by real milliseconds, count times', async () => {
    const { control, freshchat } = openSandbox();
    await control.POST('/_mock/faults', { body: { type: 'latency', operation: 'getAgent', ms: 300, count: 1 } });
    const timed = async (call: () => Promise<{ response: Response }>) => {
      const started = performance.now();
      const { response } = await call();
      return { status: response.status, ms: performance.now() - started };
    };
    const getAgent = () => freshchat.GET('/agents/{agent_id}', { params: { path: { agent_id: IDS.john } } });

    const other = await timed(() => freshchat.GET('/agents'));
    const slow = await timed(getAgent);
    const fast = await timed(getAgent);

    expect(slow.status).toBe(200);
    expect(slow.ms).toBeGreaterThanOrEqual(295);
    expect(other.ms).toBeLessThan(295);
    expect(fast.ms).toBeLessThan(295);
  });

  it('removes one fault (404 for an unknown one) or all of them', async () => {
    const { control } = openSandbox();
    await control.POST('/_mock/faults', { body: { type: 'report_failure', count: 3 } });
    await control.POST('/_mock/faults', { body: { type: 'latency', ms: 10 } });

    const unknown = await control.DELETE('/_mock/faults/{fault_id}', { params: { path: { fault_id: UNKNOWN_ID } } });
    const listed = await control.GET('/_mock/faults');
    const cleared = await control.DELETE('/_mock/faults');

    expect(unknown.response.status).toBe(404);
    expect(unknown.error).toEqual({ code: 404, status: 'FAULT_NOT_FOUND', message: 'fault_id: fault not found' });
    expect(listed.data?.faults.map((f) => [f.type, f.remaining])).toEqual([
      ['report_failure', 3],
      ['latency', null],
    ]);
    expect(cleared.response.status).toBe(204);
    expect((await control.GET('/_mock/faults')).data).toEqual({ faults: [] });
  });

  it('answers 400 naming type for an unknown type', async () => {
    const { control } = openSandbox();
    const { error, response } = await control.POST('/_mock/faults', { body: { type: 'explode' } as never });
    expect(response.status).toBe(400);
    expect(error).toEqual({
      code: 400,
      status: 'INVALID_VALUE',
      message: 'type: "explode" is not one of the allowed values',
    });
  });

  it('answers 400 naming ms for a latency fault without ms (the alternative its type names)', async () => {
    const { control } = openSandbox();
    const { error, response } = await control.POST('/_mock/faults', { body: { type: 'latency' } as never });
    expect(response.status).toBe(400);
    expect(error).toEqual({ code: 400, status: 'INVALID_VALUE', message: 'ms: is required' });
  });

  it.each<[string, unknown, string]>([
    ['an error status that cannot be injected', { type: 'error', status: 500 }, 'status: must be one of 429, 503'],
    [
      'an operation that is not a Freshchat one',
      { type: 'error', operation: 'getClock' },
      'operation: must be one of listAgentStatuses, listAgents, getAgent, updateAgentStatus, requestRawReport, getRawReport',
    ],
    ['a latency of 0 ms', { type: 'latency', ms: 0 }, 'ms: must be >= 1'],
    ['a count of 0', { type: 'report_failure', count: 0 }, 'count: must be >= 1'],
    ['no type', {}, 'type: is required'],
  ])('answers 400 for %s, naming the field', async (_, body, message) => {
    const { control } = openSandbox();
    const { error, response } = await control.POST('/_mock/faults', { body: body as never });
    expect(response.status).toBe(400);
    expect(error).toEqual({ code: 400, status: 'INVALID_VALUE', message });
  });
});

describe('the request journal', () => {
  it("lists the account's answered requests, oldest first, and the last few with limit", async () => {
    const { control, freshchat, advance } = openSandbox();
    await freshchat.GET('/agents', { params: { query: { page: 2, items_per_page: 2 } } });
    await advance(1);
    await freshchat.GET('/agents/{agent_id}', { params: { path: { agent_id: UNKNOWN_ID } } });

    const { data, response } = await control.GET('/_mock/requests');
    const limited = await control.GET('/_mock/requests', { params: { query: { limit: 2 } } });

    expect(response.status).toBe(200);
    const requests = data?.requests ?? [];
    expect(
      requests.map(({ method, path, operation, status, at }) => ({ method, path, operation, status, at })),
    ).toEqual([
      {
        method: 'GET',
        path: '/v2/agents?page=2&items_per_page=2',
        operation: 'listAgents',
        status: 200,
        at: iso(T0),
      },
      { method: 'POST', path: '/_mock/clock/advance', operation: 'advanceClock', status: 200, at: iso(T0) },
      {
        method: 'GET',
        path: `/v2/agents/${UNKNOWN_ID}`,
        operation: 'getAgent',
        status: 404,
        at: iso(T0 + 1000),
      },
    ]);
    for (const entry of requests) expect(entry.duration_ms).toBeGreaterThanOrEqual(0);
    expect(requests.map((r) => r.id)).toEqual([...requests.map((r) => r.id)].sort((a, b) => a - b));
    expect(new Set(requests.map((r) => r.id)).size).toBe(3);
    expect(limited.data?.requests.map((r) => r.operation)).toEqual(['getAgent', 'listRequests']);
  });

  it('answers 400 for a limit out of range', async () => {
    const { control } = openSandbox();
    const { error, response } = await control.GET('/_mock/requests', { params: { query: { limit: 0 } } });
    expect(response.status).toBe(400);
    expect(error).toEqual({ code: 400, status: 'INVALID_VALUE', message: 'limit: must be >= 1' });
  });

  it('keeps only the last journalCapacity entries', async () => {
    const { control, freshchat } = openSandbox({ limits: { journalCapacity: 3 } });
    for (let i = 0; i < 5; i++) await freshchat.GET('/agents/status');
    await freshchat.GET('/agents');
    const { data } = await control.GET('/_mock/requests');
    expect(data?.requests.map((r) => r.operation)).toEqual(['listAgentStatuses', 'listAgentStatuses', 'listAgents']);
  });

  it("shows no other account's requests", async () => {
    const sandbox = openSandbox();
    const other = await createAccount(sandbox);
    await other.freshchat.GET('/agents');
    const { data } = await sandbox.control.GET('/_mock/requests');
    expect(data?.requests.map((r) => r.operation)).toEqual(['createAccount']);
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
    expect((await other.control.GET('/_mock/statuses')).data).toEqual({ states: BUILT_INS });
    expect((await other.freshchat.GET('/agents')).data?.agents).toEqual([]);
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
      ['Ada', 'ada@example.com', IDS.active],
    ]);
    expect(theirStatus?.name).toBe('On a call');
    expect(johnFromThere.response.status).toBe(404);
    expect(johnFromThere.error).toEqual({ code: 404, status: 'AGENT_NOT_FOUND', message: 'agent_id: agent not found' });
    expect(adaFromHere.response.status).toBe(404);
    expect(patchJohnFromThere.response.status).toBe(404);
    expect(johnAsAgentFromThere.response.status).toBe(404);
    expect(theirStatusFromHere.response.status).toBe(400);
    expect((await sandbox.freshchat.GET('/agents')).data?.agents).toHaveLength(4);
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
