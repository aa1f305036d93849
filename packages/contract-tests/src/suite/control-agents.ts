import { describe, expect, it } from 'vitest';
import type { ContractTarget } from '../target.js';
import {
  builtInStatusIds,
  controlClient,
  controlSenders,
  expectError,
  freshchatClient,
  ok,
  SANDBOX_ONLY,
  SEED,
  UNKNOWN_ID,
} from './context.js';

/**
 * Registers the control API's checks of agents: creating and simulating them, changes made as the agent, logging in
 * and out (sandbox only).
 *
 * @example
 * describe('sandbox', () => controlAgentChecks({ baseUrl, token, sandbox: true, control: { origin } }));
 */
export function controlAgentChecks(target: ContractTarget): void {
  const sandboxIt = it.skipIf(!target.sandbox);
  const { post, patch, get } = controlSenders(target);

  describe('control API: agents', () => {
    sandboxIt(
      `201: a new agent starts on "Active on IntelliAssign", and the API lists it ${SANDBOX_ONLY}`,
      async () => {
        const agent = ok(
          await controlClient(target).POST('/_mock/agents', { body: { first_name: 'Ada', last_name: 'Lovelace' } }),
          'create agent',
        );
        expect(agent).toMatchObject({
          first_name: 'Ada',
          last_name: 'Lovelace',
          availability_status: 'AVAILABLE',
          agent_status: { id: (await builtInStatusIds(target)).active, name: 'Active on IntelliAssign' },
          is_deactivated: false,
        });
        const read = ok(
          await freshchatClient(target).GET('/agents/{agent_id}', { params: { path: { agent_id: agent.id } } }),
          'get agent',
        );
        expect(read).toEqual(agent);
      },
    );

    sandboxIt(`400: an agent without a first name; 409: an id another agent has ${SANDBOX_ONLY}`, async () => {
      await expectError(await post('/_mock/agents', { last_name: 'Nobody' }), 400, { field: 'first_name' });
      await expectError(
        await post('/_mock/agents', { id: SEED.agents.johnDoe, first_name: 'John', last_name: 'Again' }),
        409,
      );
    });

    sandboxIt(
      `201: simulated agents arrive with backfilled history, in an account of their own ${SANDBOX_ONLY}`,
      async () => {
        const account = ok(
          await controlClient(target).POST('/_mock/accounts', { body: { statuses: [{ name: 'Lunch' }] } }),
          'create account',
        );
        const control = controlClient(target, account.token);
        const made = ok(await control.POST('/_mock/simulate', { body: { agents: 3, days: 2, seed: 5 } }), 'simulate');
        expect(made.agents_created).toBe(3);
        expect(Date.parse(made.to) - Date.parse(made.from)).toBe(2 * 86_400_000);
        // The simulated agents; the account's admin is one of its agents too, with no simulated history.
        const agents = ok(
          await freshchatClient(target, account.token).GET('/agents', { params: { query: {} } }),
          'agents',
        ).agents.filter((a) => a.role_id !== 'ADMIN');
        expect(agents).toHaveLength(3);
        let changes = 0;
        for (const agent of agents) {
          const { history } = ok(
            await control.GET('/_mock/agents/{agent_id}/history', { params: { path: { agent_id: agent.id } } }),
            'history',
          );
          expect(history[0]).toMatchObject({ at: made.from, from: null });
          expect(history.slice(1).every((h) => h.actor.actor_type === 'agent' && h.actor.actor_id === agent.id)).toBe(
            true,
          );
          changes += history.length;
        }
        expect(changes).toBe(made.changes);
      },
    );

    sandboxIt(`400: a simulation out of its limits, naming the field ${SANDBOX_ONLY}`, async () => {
      await expectError(await post('/_mock/simulate', { agents: 0, days: 1, seed: 1 }), 400, { field: 'agents' });
      await expectError(
        await post('/_mock/simulate', { agents: 1, days: 1, seed: 1, until: '2999-01-01T00:00:00Z' }),
        400,
        {
          field: 'until',
        },
      );
    });

    sandboxIt(`200: a change made as the agent is recorded with the agent as actor ${SANDBOX_ONLY}`, async () => {
      const control = controlClient(target);
      const path = { agent_id: SEED.agents.mattGibson };
      const result = ok(
        await control.POST('/_mock/agents/{agent_id}/status', {
          params: { path },
          body: { agent_status: { id: SEED.customStatuses['Tea break'] } },
        }),
        'change as agent',
      );
      expect(result).toEqual({
        availability_status: 'UNAVAILABLE',
        agent_status: { id: SEED.customStatuses['Tea break'], name: 'Tea break' },
      });
      const { agent_id, history } = ok(
        await control.GET('/_mock/agents/{agent_id}/history', { params: { path } }),
        'history',
      );
      expect(agent_id).toBe(SEED.agents.mattGibson);
      expect(history[0]).toMatchObject({ from: null, to: { id: (await builtInStatusIds(target)).active } });
      expect(history.at(-1)).toMatchObject({
        actor: { actor_type: 'agent', actor_id: SEED.agents.mattGibson },
        to: { id: SEED.customStatuses['Tea break'], name: 'Tea break' },
      });
    });

    sandboxIt(
      `400, 404, 409: a change as the agent with a bad body, for an unknown or a deactivated agent ${SANDBOX_ONLY}`,
      async () => {
        await expectError(
          await post(`/_mock/agents/${SEED.agents.mattGibson}/status`, { agent_status: { id: 'tea' } }),
          400,
          { field: 'agent_status.id' },
        );
        await expectError(await post(`/_mock/agents/${UNKNOWN_ID}/status`, { availability_status: 'AVAILABLE' }), 404);
        await expectError(await get(`/_mock/agents/${UNKNOWN_ID}/history`), 404);
        const deactivated = ok(
          await controlClient(target).POST('/_mock/agents', {
            body: { first_name: 'Dee', last_name: 'Activated', is_deactivated: true },
          }),
          'create agent',
        );
        await expectError(
          await post(`/_mock/agents/${deactivated.id}/status`, { availability_status: 'UNAVAILABLE' }),
          409,
        );
      },
    );
  });

  describe('control API: logging agents in and out', () => {
    sandboxIt(`200: an agent logs out and back in; GET /v2/agents/{id} shows it ${SANDBOX_ONLY}`, async () => {
      const control = controlClient(target);
      const agent = ok(await control.POST('/_mock/agents', { body: { first_name: 'Lo', last_name: 'Gin' } }), 'agent');
      expect(agent.login_status).toBe(true);
      const params = { path: { agent_id: agent.id } };
      const out = ok(await control.PATCH('/_mock/agents/{agent_id}', { params, body: { login_status: false } }), 'out');
      expect(out).toMatchObject({ id: agent.id, login_status: false });
      const read = ok(await freshchatClient(target).GET('/agents/{agent_id}', { params }), 'get agent');
      expect(read.login_status).toBe(false);
      const back = ok(await control.PATCH('/_mock/agents/{agent_id}', { params, body: { login_status: true } }), 'in');
      expect(back.login_status).toBe(true);
    });

    sandboxIt(`400: a login_status that is not a boolean; 404: an unknown agent ${SANDBOX_ONLY}`, async () => {
      await expectError(await patch(`/_mock/agents/${SEED.agents.johnDoe}`, { login_status: 'no' }), 400, {
        field: 'login_status',
      });
      await expectError(await patch(`/_mock/agents/${UNKNOWN_ID}`, { login_status: false }), 404);
    });
  });
}
