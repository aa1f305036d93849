import type { components, FreshchatClient } from '@freshchat-sandbox/client';
import { describe, expect, it } from 'vitest';
import type { ContractTarget } from '../target.js';
import {
  builtInStatusIds,
  CHANGES_AN_AGENT,
  controlClient,
  expectError,
  freshchatClient,
  ok,
  SANDBOX_ONLY,
  SEED,
  send,
  UNKNOWN_ID,
} from './context.js';

type Agent = components['schemas']['Agent'];
type StatusUpdate = components['schemas']['AgentStatusUpdate'];

/**
 * Registers the checks of `PATCH /agents/{agent_id}`: custom statuses, availability, precedence, validation, 404,
 * and on the sandbox the history it records and the 409 of a deactivated agent. Every check that changes an agent's
 * status puts the agent back on its status afterwards; on a real account they run only for `target.agentId`.
 *
 * @example
 * describe('my Freshchat target', () => agentStatusUpdateChecks({ ...target, agentId: 'afd5102c-…' }));
 */
export function agentStatusUpdateChecks(target: ContractTarget): void {
  const writableAgent = target.sandbox ? SEED.agents.johnDoe : target.agentId;
  const writeIt = it.skipIf(writableAgent === undefined);
  const sandboxIt = it.skipIf(!target.sandbox);

  /** Runs `check` on the writable agent, then puts the agent back on the status it had. */
  const withAgent = async (check: (agent: Agent, freshchat: FreshchatClient) => Promise<void>) => {
    const freshchat = freshchatClient(target);
    const agentId = writableAgent as string;
    const before = ok(await freshchat.GET('/agents/{agent_id}', { params: { path: { agent_id: agentId } } }), 'get');
    try {
      await check(before, freshchat);
    } finally {
      const restore: StatusUpdate =
        before.availability_status === 'AVAILABLE'
          ? { availability_status: 'AVAILABLE' }
          : { agent_status: { id: before.agent_status.id } };
      ok(
        await freshchat.PATCH('/agents/{agent_id}', { params: { path: { agent_id: agentId } }, body: restore }),
        'restore',
      );
      const after = ok(await freshchat.GET('/agents/{agent_id}', { params: { path: { agent_id: agentId } } }), 'get');
      expect(after.agent_status, 'the agent is back on its status').toMatchObject(before.agent_status);
    }
  };

  /** A custom status the agent is not on, or undefined when the account has none. */
  const otherCustomStatus = async (freshchat: FreshchatClient, agent: Agent) => {
    const { states } = ok(await freshchat.GET('/agents/status'), 'list statuses');
    return states.find((s) => s.id !== agent.agent_status.id);
  };

  const patch = (freshchat: FreshchatClient, agentId: string, body: StatusUpdate) =>
    freshchat.PATCH('/agents/{agent_id}', { params: { path: { agent_id: agentId } }, body });

  describe('PATCH /agents/{agent_id} (updateAgentStatus)', () => {
    writeIt(
      `200: agent_status.id puts the agent on that custom status, UNAVAILABLE ${CHANGES_AN_AGENT}`,
      async (ctx) => {
        await withAgent(async (agent, freshchat) => {
          const status = await otherCustomStatus(freshchat, agent);
          if (!status) return ctx.skip();
          const result = ok(await patch(freshchat, agent.id, { agent_status: { id: status.id } }), 'patch');
          expect(result).toMatchObject({
            availability_status: 'UNAVAILABLE',
            agent_status: { id: status.id, name: status.name },
          });
          const read = ok(
            await freshchat.GET('/agents/{agent_id}', { params: { path: { agent_id: agent.id } } }),
            'get',
          );
          expect(read).toMatchObject({
            availability_status: 'UNAVAILABLE',
            agent_status: { id: status.id, name: status.name },
          });
        });
      },
    );

    writeIt(
      `200: AVAILABLE is "Active on IntelliAssign"; UNAVAILABLE keeps a status that already counts as unavailable ${CHANGES_AN_AGENT}`,
      async (ctx) => {
        await withAgent(async (agent, freshchat) => {
          const available = ok(await patch(freshchat, agent.id, { availability_status: 'AVAILABLE' }), 'patch');
          expect(available.availability_status).toBe('AVAILABLE');
          expect(available.agent_status.name).toBe('Active on IntelliAssign');

          const unavailable = ok(await patch(freshchat, agent.id, { availability_status: 'UNAVAILABLE' }), 'patch');
          expect(unavailable.availability_status).toBe('UNAVAILABLE');
          expect(unavailable.agent_status.name).toBe('Unavailable');
          if (target.sandbox) expect(unavailable.agent_status.id).toBe((await builtInStatusIds(target)).unavailable);

          const status = await otherCustomStatus(freshchat, { ...agent, agent_status: unavailable.agent_status });
          if (!status) return ctx.skip();
          ok(await patch(freshchat, agent.id, { agent_status: { id: status.id } }), 'patch');
          const kept = ok(await patch(freshchat, agent.id, { availability_status: 'UNAVAILABLE' }), 'patch');
          expect(kept).toMatchObject({
            availability_status: 'UNAVAILABLE',
            agent_status: { id: status.id, name: status.name },
          });
        });
      },
    );

    writeIt(`200: agent_status wins over availability_status when both are given ${CHANGES_AN_AGENT}`, async (ctx) => {
      await withAgent(async (agent, freshchat) => {
        const status = await otherCustomStatus(freshchat, agent);
        if (!status) return ctx.skip();
        const result = ok(
          await patch(freshchat, agent.id, { agent_status: { id: status.id }, availability_status: 'AVAILABLE' }),
          'patch',
        );
        expect(result).toMatchObject({
          availability_status: 'UNAVAILABLE',
          agent_status: { id: status.id, name: status.name },
        });
      });
    });

    sandboxIt(
      `a change is recorded once, with the admin as actor; the same status again records nothing ${SANDBOX_ONLY}`,
      async () => {
        const freshchat = freshchatClient(target);
        const control = controlClient(target);
        const history = async () =>
          ok(
            await control.GET('/_mock/agents/{agent_id}/history', {
              params: { path: { agent_id: SEED.agents.johnDoe } },
            }),
            'history',
          ).history;
        const before = await history();
        ok(await patch(freshchat, SEED.agents.johnDoe, { agent_status: { id: SEED.customStatuses.Meeting } }), 'patch');
        const same = ok(
          await patch(freshchat, SEED.agents.johnDoe, { agent_status: { id: SEED.customStatuses.Meeting } }),
          'patch',
        );
        expect(same.agent_status).toEqual({ id: SEED.customStatuses.Meeting, name: 'Meeting' });
        const after = await history();
        expect(after).toHaveLength(before.length + 1);
        expect(after.at(-1)).toMatchObject({
          actor: { actor_type: 'admin', actor_id: SEED.adminId },
          from: { id: (await builtInStatusIds(target)).active, name: 'Active on IntelliAssign' },
          to: { id: SEED.customStatuses.Meeting, name: 'Meeting' },
        });
      },
    );

    it('400: a status id no status has, naming agent_status.id', async () => {
      const agentId = writableAgent ?? (await anyAgentId(target));
      const response = await send(target, {
        method: 'PATCH',
        path: `/agents/${agentId}`,
        body: { agent_status: { id: UNKNOWN_ID } },
      });
      await expectError(response, 400, { field: 'agent_status.id' });
    });

    it('400: a status id that is not a UUID, naming agent_status.id', async () => {
      const response = await send(target, {
        method: 'PATCH',
        path: `/agents/${UNKNOWN_ID}`,
        body: { agent_status: { id: 'lunch' } },
      });
      await expectError(response, 400, { field: 'agent_status.id' });
    });

    it('400: a body with neither agent_status nor availability_status', async () => {
      await expectError(await send(target, { method: 'PATCH', path: `/agents/${UNKNOWN_ID}`, body: {} }), 400);
    });

    it('400: an availability_status the document does not list, naming it', async () => {
      const response = await send(target, {
        method: 'PATCH',
        path: `/agents/${UNKNOWN_ID}`,
        body: { availability_status: 'SLEEPING' },
      });
      await expectError(response, 400, { field: 'availability_status' });
    });

    it('404: an agent id no agent has, AGENT_NOT_FOUND', async () => {
      const response = await send(target, {
        method: 'PATCH',
        path: `/agents/${UNKNOWN_ID}`,
        body: { availability_status: 'AVAILABLE' },
      });
      await expectError(response, 404, { code: 'AGENT_NOT_FOUND' });
    });

    sandboxIt(`409: a deactivated agent cannot change status ${SANDBOX_ONLY}`, async () => {
      const agent = ok(
        await controlClient(target).POST('/_mock/agents', {
          body: { first_name: 'Dee', last_name: 'Activated', is_deactivated: true },
        }),
        'create agent',
      );
      expect(agent.is_deactivated).toBe(true);
      const response = await send(target, {
        method: 'PATCH',
        path: `/agents/${agent.id}`,
        body: { agent_status: { id: SEED.customStatuses.Lunch } },
      });
      await expectError(response, 409, { code: 'AGENT_DEACTIVATED' });
    });

    sandboxIt(
      `409: an offline agent cannot be made AVAILABLE, but can take another status ${SANDBOX_ONLY}`,
      async () => {
        const agent = ok(
          await controlClient(target).POST('/_mock/agents', {
            body: { first_name: 'Off', last_name: 'Line', login_status: false },
          }),
          'create agent',
        );
        expect(agent.login_status).toBe(false);
        const patch = (body: unknown) => send(target, { method: 'PATCH', path: `/agents/${agent.id}`, body });
        expect((await patch({ agent_status: { id: SEED.customStatuses.Lunch } })).status).toBe(200);
        await expectError(await patch({ availability_status: 'AVAILABLE' }), 409, { code: 'AGENT_OFFLINE' });
      },
    );
  });
}

/** The first agent the account lists (for checks that need an existing agent but change nothing). */
async function anyAgentId(target: ContractTarget): Promise<string> {
  const { agents } = ok(
    await freshchatClient(target).GET('/agents', { params: { query: { items_per_page: 1 } } }),
    'list agents',
  );
  return agents[0]?.id ?? UNKNOWN_ID;
}
