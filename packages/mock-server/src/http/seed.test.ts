import { describe, expect, it } from 'vitest';
import type { SeedFile } from '../domain/seed-file.js';
import { iso, openSandbox, T0 } from '../testing/sandbox-harness.js';

const AGENT = '0b0b0b0b-1111-4222-8333-444444444444';
const STATUS = '0c0c0c0c-1111-4222-8333-444444444444';

const seed: SeedFile = {
  accounts: [
    {
      token: 'seeded-token',
      statuses: [{ id: STATUS, name: 'Training', emoji: '📚' }],
      agents: [
        { id: AGENT, first_name: 'Ada', last_name: 'Lovelace', agent_status_id: STATUS, since: iso(T0 - 3_600_000) },
        { first_name: 'Grace', last_name: 'Hopper' },
      ],
    },
    { token: 'second-token' },
  ],
};

describe('a seed', () => {
  it('gives every account its statuses and agents, on the status and since the time it says', async () => {
    const { clientsFor } = openSandbox({ seed });
    const { freshchat, control } = clientsFor('seeded-token');

    const agents = (await freshchat.GET('/agents')).data?.agents ?? [];
    const history = await control.GET('/_mock/agents/{agent_id}/history', { params: { path: { agent_id: AGENT } } });

    expect((await freshchat.GET('/agents/status')).data).toEqual({ states: [{ id: STATUS, name: 'Training' }] });
    expect(agents.map((a) => [a.first_name, a.agent_status.name, a.availability_status])).toEqual([
      ['Ada', 'Training', 'UNAVAILABLE'],
      ['Grace', 'Active on IntelliAssign', 'AVAILABLE'],
      ['Account', 'Active on IntelliAssign', 'AVAILABLE'], // the admin, one of the account's agents
    ]);
    expect(agents[1]?.email).toBe('grace.hopper@example.com');
    expect(history.data?.history.map((h) => h.at)).toEqual([iso(T0 - 3_600_000)]);
    expect((await clientsFor('second-token').freshchat.GET('/agents')).data?.agents.map((a) => a.role_id)).toEqual([
      'ADMIN',
    ]);
    expect((await clientsFor('sandbox-token').freshchat.GET('/agents')).response.status).toBe(401);
  });

  it('is where a reset goes back to', async () => {
    const { clientsFor } = openSandbox({ seed });
    const { freshchat, control } = clientsFor('seeded-token');
    await control.POST('/_mock/clock/advance', { body: { seconds: 60 } });
    await freshchat.PATCH('/agents/{agent_id}', {
      params: { path: { agent_id: AGENT } },
      body: { availability_status: 'AVAILABLE' },
    });

    await control.POST('/_mock/reset');

    const agent = await freshchat.GET('/agents/{agent_id}', { params: { path: { agent_id: AGENT } } });
    expect(agent.data?.agent_status).toEqual({ id: STATUS, name: 'Training' });
  });
});
