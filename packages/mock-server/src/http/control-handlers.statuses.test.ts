import { describe, expect, it } from 'vitest';
import { BUILT_INS, historyOf, IDS, openSandbox, UNKNOWN_ID, UUID } from '../testing/sandbox-harness.js';

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
