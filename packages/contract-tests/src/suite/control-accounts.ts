import { describe, expect, it } from 'vitest';
import type { ContractTarget } from '../target.js';
import { controlClient, controlSenders, expectError, freshchatClient, ok, SANDBOX_ONLY, SEED } from './context.js';

/**
 * Registers the control API's checks of accounts: the token's account, new accounts with their own data (sandbox only).
 *
 * @example
 * describe('sandbox', () => controlAccountChecks({ baseUrl, token, sandbox: true, control: { origin } }));
 */
export function controlAccountChecks(target: ContractTarget): void {
  const sandboxIt = it.skipIf(!target.sandbox);
  const { post } = controlSenders(target);

  describe('control API: accounts', () => {
    sandboxIt(`the token's account: app id, admin and the two built-in statuses ${SANDBOX_ONLY}`, async () => {
      const account = ok(await controlClient(target).GET('/_mock/account'), 'account');
      expect(account).toEqual({
        app_id: SEED.appId,
        admin_id: SEED.adminId,
        built_in_statuses: {
          active: { id: expect.any(String), name: 'Active on IntelliAssign' },
          unavailable: { id: expect.any(String), name: 'Unavailable' },
        },
      });
      // Ids of this account's own: another account's built-in statuses have others.
      const other = ok(await controlClient(target).POST('/_mock/accounts', { body: {} }), 'create account');
      const theirs = ok(await controlClient(target, other.token).GET('/_mock/account'), 'their account');
      const ids = [account.built_in_statuses.active.id, account.built_in_statuses.unavailable.id];
      expect(ids).not.toContain(theirs.built_in_statuses.active.id);
      expect(ids).not.toContain(theirs.built_in_statuses.unavailable.id);
    });

    sandboxIt(
      `201: a new account holds the built-in statuses only, or its seed, and sees only its own data ${SANDBOX_ONLY}`,
      async () => {
        const control = controlClient(target);
        const empty = ok(await control.POST('/_mock/accounts', { body: {} }), 'create account');
        expect(empty.app_id).not.toBe(SEED.appId);
        const emptyStatuses = ok(await controlClient(target, empty.token).GET('/_mock/statuses'), 'statuses');
        expect(emptyStatuses.states.map((s) => s.built_in)).toEqual([true, true]);
        expect(ok(await freshchatClient(target, empty.token).GET('/agents/status'), 'statuses').states).toEqual([]);

        const seeded = ok(
          await control.POST('/_mock/accounts', {
            body: {
              statuses: [{ name: 'On a call', emoji: '\u{1F4DE}' }],
              agents: [{ first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' }],
            },
          }),
          'create account',
        );
        const theirs = freshchatClient(target, seeded.token);
        expect(ok(await theirs.GET('/agents/status'), 'statuses').states.map((s) => s.name)).toEqual(['On a call']);
        const agents = ok(await theirs.GET('/agents', { params: { query: {} } }), 'agents').agents;
        // The seed's agent, and the account's admin: one of its agents, the actor of its API changes.
        expect(agents.filter((a) => a.role_id !== 'ADMIN').map((a) => a.email)).toEqual(['ada@example.com']);
        expect(agents.filter((a) => a.role_id === 'ADMIN')).toHaveLength(1);
      },
    );

    sandboxIt(`400: a seed the schema refuses, naming the field ${SANDBOX_ONLY}`, async () => {
      await expectError(await post('/_mock/accounts', { token: 'short' }), 400, { field: 'token' });
      await expectError(await post('/_mock/accounts', { statuses: [{ name: '' }] }), 400, { field: 'name' });
    });

    sandboxIt(`409: a token another account has ${SANDBOX_ONLY}`, async () => {
      await expectError(await post('/_mock/accounts', { token: target.token }), 409, { field: 'token' });
    });
  });
}
