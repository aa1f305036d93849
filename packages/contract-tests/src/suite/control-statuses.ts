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
 * Registers the control API's checks of statuses: the built-in ones first, creating, renaming and deleting custom ones
 * (sandbox only).
 *
 * @example
 * describe('sandbox', () => controlStatusChecks({ baseUrl, token, sandbox: true, control: { origin } }));
 */
export function controlStatusChecks(target: ContractTarget): void {
  const sandboxIt = it.skipIf(!target.sandbox);
  const { post, patch, del, get } = controlSenders(target);

  describe('control API: statuses', () => {
    sandboxIt(`the list holds the two built-in statuses first, then the custom ones ${SANDBOX_ONLY}`, async () => {
      const { states } = ok(await controlClient(target).GET('/_mock/statuses'), 'statuses');
      const builtIn = await builtInStatusIds(target);
      expect(states.slice(0, 2)).toEqual([
        { id: builtIn.active, name: 'Active on IntelliAssign', emoji: expect.any(String), built_in: true },
        { id: builtIn.unavailable, name: 'Unavailable', emoji: expect.any(String), built_in: true },
      ]);
      expect(states.slice(2).map((s) => s.id)).toEqual(Object.values(SEED.customStatuses));
    });

    sandboxIt(`201, 200, 204: create, rename and delete a custom status ${SANDBOX_ONLY}`, async () => {
      const control = controlClient(target);
      const created = ok(
        await control.POST('/_mock/statuses', { body: { name: 'Dentist', emoji: '\u{1F9B7}' } }),
        'create',
      );
      expect(created).toMatchObject({ name: 'Dentist', built_in: false });
      const renamed = ok(
        await control.PATCH('/_mock/statuses/{status_id}', {
          params: { path: { status_id: created.id } },
          body: { name: 'Doctor' },
        }),
        'rename',
      );
      expect(renamed).toEqual({ ...created, name: 'Doctor' });
      const deleted = await control.DELETE('/_mock/statuses/{status_id}', {
        params: { path: { status_id: created.id } },
      });
      expect(deleted.response.status).toBe(204);
    });

    sandboxIt(`400: a blank name, or an empty patch ${SANDBOX_ONLY}`, async () => {
      await expectError(await post('/_mock/statuses', { name: '' }), 400, { field: 'name' });
      await expectError(await patch(`/_mock/statuses/${SEED.customStatuses.Lunch}`, {}), 400);
    });

    sandboxIt(`403: the built-in statuses cannot be edited or deleted ${SANDBOX_ONLY}`, async () => {
      const builtIn = await builtInStatusIds(target);
      await expectError(await patch(`/_mock/statuses/${builtIn.active}`, { name: 'Busy' }), 403);
      await expectError(await del(`/_mock/statuses/${builtIn.unavailable}`), 403);
    });

    sandboxIt(`400: an id that is not a UUID, naming the parameter ${SANDBOX_ONLY}`, async () => {
      await expectError(await del('/_mock/statuses/not-a-uuid'), 400, { field: 'status_id' });
      await expectError(await get('/_mock/agents/not-a-uuid/history'), 400, { field: 'agent_id' });
      await expectError(await del('/_mock/webhooks/not-a-uuid'), 400, { field: 'subscription_id' });
      await expectError(await del('/_mock/faults/not-a-uuid'), 400, { field: 'fault_id' });
    });

    sandboxIt(`404: a status id no status has ${SANDBOX_ONLY}`, async () => {
      await expectError(await patch(`/_mock/statuses/${UNKNOWN_ID}`, { name: 'Busy' }), 404);
      await expectError(await del(`/_mock/statuses/${UNKNOWN_ID}`), 404);
    });

    sandboxIt(`409: a name another status has, and deleting a status an agent is on ${SANDBOX_ONLY}`, async () => {
      await expectError(await post('/_mock/statuses', { name: 'Lunch' }), 409, { field: 'name' });
      await expectError(await patch(`/_mock/statuses/${SEED.customStatuses.Lunch}`, { name: 'Break' }), 409, {
        field: 'name',
      });
      ok(
        await freshchatClient(target).PATCH('/agents/{agent_id}', {
          params: { path: { agent_id: SEED.agents.johnDoe } },
          body: { agent_status: { id: SEED.customStatuses.Lunch } },
        }),
        'patch',
      );
      await expectError(await del(`/_mock/statuses/${SEED.customStatuses.Lunch}`), 409);
    });
  });
}
