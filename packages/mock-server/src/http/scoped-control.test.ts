/**
 * Scoped control: what reaches every account (the clock, creating accounts, resetting the whole sandbox) takes the
 * admin token; an account's own token resets that account alone. Without `adminToken`, the default account's token
 * is the admin token, so one person using the sandbox notices nothing.
 */
import { describe, expect, it } from 'vitest';
import { createAccount, IDS, iso, openSandbox, T0 } from '../testing/sandbox-harness.js';

const FORBIDDEN = {
  code: 403,
  status: 'ADMIN_TOKEN_REQUIRED',
  message:
    "Authorization: this operation reaches every account and needs the admin token (--admin-token; without it, the default account's token)",
};

describe('without an admin token', () => {
  it('lets the default token move the clock, create accounts and reset everything, as before', async () => {
    const sandbox = openSandbox();
    const other = await createAccount(sandbox, { statuses: [{ name: 'Other' }] });
    expect((await sandbox.control.POST('/_mock/clock/advance', { body: { seconds: 60 } })).data?.now).toBe(
      iso(T0 + 60_000),
    );
    expect((await sandbox.control.POST('/_mock/clock', { body: { frozen: true } })).response.status).toBe(200);
    expect((await sandbox.control.POST('/_mock/reset')).response.status).toBe(200);
    // A whole reset: the created account is gone.
    expect((await other.control.GET('/_mock/account')).response.status).toBe(401);
  });

  it('refuses another account’s token on the clock and on creating accounts, with 403 naming the admin token', async () => {
    const sandbox = openSandbox();
    const other = await createAccount(sandbox);
    const advance = await other.control.POST('/_mock/clock/advance', { body: { seconds: 60 } });
    const set = await other.control.POST('/_mock/clock', { body: { frozen: false } });
    const create = await other.control.POST('/_mock/accounts', { body: {} });
    for (const refused of [advance, set, create]) {
      expect(refused.response.status).toBe(403);
      expect(refused.error).toEqual(FORBIDDEN);
    }
    // Nothing moved, and reading the clock is anyone's.
    expect((await other.control.GET('/_mock/clock')).data?.now).toBe(iso(T0));
  });

  it('resets only the account whose token asks, back to its own seed, keeping its token and app id', async () => {
    const sandbox = openSandbox();
    const other = await createAccount(sandbox, { statuses: [{ name: 'Seeded' }] });
    const before = (await other.control.GET('/_mock/account')).data;
    await other.control.POST('/_mock/statuses', { body: { name: 'Added later' } });
    await sandbox.control.POST('/_mock/statuses', { body: { name: 'Default’s own' } });
    await sandbox.freshchat.PATCH('/agents/{agent_id}', {
      params: { path: { agent_id: IDS.john } },
      body: { availability_status: 'UNAVAILABLE' },
    });

    const reset = await other.control.POST('/_mock/reset');
    expect(reset.response.status).toBe(200);

    // The other account is back at its seed, reachable with the same token.
    expect((await other.control.GET('/_mock/account')).data).toEqual(before);
    const names = (await other.freshchat.GET('/agents/status')).data?.states.map((s) => s.name);
    expect(names).toEqual(['Seeded']);
    // The default account is untouched.
    const mine = (await sandbox.freshchat.GET('/agents/status')).data?.states.map((s) => s.name);
    expect(mine).toContain('Default’s own');
    const john = await sandbox.freshchat.GET('/agents/{agent_id}', { params: { path: { agent_id: IDS.john } } });
    expect(john.data?.availability_status).toBe('UNAVAILABLE');
  });
});

describe('with adminToken', () => {
  it('takes the admin token alone for the clock and new accounts; the default token is then an account’s', async () => {
    const sandbox = openSandbox({ adminToken: 'root-secret' });
    const admin = sandbox.clientsFor('root-secret');

    const refused = await sandbox.control.POST('/_mock/clock/advance', { body: { seconds: 60 } });
    expect(refused.response.status).toBe(403);
    expect(refused.error).toEqual(FORBIDDEN);
    expect((await admin.control.POST('/_mock/clock/advance', { body: { seconds: 60 } })).data?.now).toBe(
      iso(T0 + 60_000),
    );
    const created = await admin.control.POST('/_mock/accounts', { body: {} });
    expect(created.response.status).toBe(201);
    // The admin token is no account: it reaches no account's data.
    expect((await admin.freshchat.GET('/agents')).response.status).toBe(401);
    expect((await admin.control.GET('/_mock/account')).response.status).toBe(401);
  });

  it('resets the default account alone with its token, and everything with the admin token', async () => {
    const sandbox = openSandbox({ adminToken: 'root-secret' });
    const admin = sandbox.clientsFor('root-secret');
    const created = await admin.control.POST('/_mock/accounts', { body: {} });
    const other = sandbox.clientsFor(created.data?.token as string);
    await other.control.POST('/_mock/statuses', { body: { name: 'Kept' } });
    await sandbox.control.POST('/_mock/statuses', { body: { name: 'Dropped' } });

    expect((await sandbox.control.POST('/_mock/reset')).response.status).toBe(200);
    expect((await sandbox.freshchat.GET('/agents/status')).data?.states.map((s) => s.name)).not.toContain('Dropped');
    expect((await other.freshchat.GET('/agents/status')).data?.states.map((s) => s.name)).toEqual(['Kept']);

    expect((await admin.control.POST('/_mock/reset')).response.status).toBe(200);
    expect((await other.control.GET('/_mock/account')).response.status).toBe(401);
  });
});
