import { describe, expect, it } from 'vitest';
import type { ContractTarget } from '../target.js';
import { controlClient, freshchatClient, ok, SANDBOX_ONLY, SEED } from './context.js';

/**
 * Registers the checks of `GET /agents/status`: the account's custom statuses as `{id, name}`, without the two
 * built-in ones; on the sandbox, the seed's statuses and the control API's changes.
 *
 * @example
 * describe('my Freshchat target', () => agentStatusChecks(target));
 */
export function agentStatusChecks(target: ContractTarget): void {
  const sandboxIt = it.skipIf(!target.sandbox);
  describe('GET /agents/status (listAgentStatuses)', () => {
    it('200: the custom statuses, each {id, name}, ids unique', async () => {
      const { states } = ok(await freshchatClient(target).GET('/agents/status'), 'list statuses');
      for (const state of states) {
        expect(state).toMatchObject({ id: expect.any(String), name: expect.any(String) });
      }
      expect(new Set(states.map((s) => s.id)).size).toBe(states.length);
      expect(states.map((s) => s.name)).not.toContain('Active on IntelliAssign');
    });

    sandboxIt(`200: the seed's custom statuses, in order, and not the built-in ones ${SANDBOX_ONLY}`, async () => {
      const { states } = ok(await freshchatClient(target).GET('/agents/status'), 'list statuses');
      expect(states).toEqual(Object.entries(SEED.customStatuses).map(([name, id]) => ({ id, name })));
    });

    sandboxIt(
      `a status created through the control API is listed, and no longer once deleted ${SANDBOX_ONLY}`,
      async () => {
        const control = controlClient(target);
        const created = ok(
          await control.POST('/_mock/statuses', { body: { name: 'Away for Coffee Break', emoji: '\u2615' } }),
          'create status',
        );
        expect(created).toMatchObject({ name: 'Away for Coffee Break', emoji: '\u2615', built_in: false });
        const listed = ok(await freshchatClient(target).GET('/agents/status'), 'list statuses');
        expect(listed.states).toContainEqual({ id: created.id, name: created.name });

        const deleted = await control.DELETE('/_mock/statuses/{status_id}', {
          params: { path: { status_id: created.id } },
        });
        expect(deleted.response.status).toBe(204);
        const after = ok(await freshchatClient(target).GET('/agents/status'), 'list statuses');
        expect(after.states.map((s) => s.id)).not.toContain(created.id);
      },
    );
  });
}
