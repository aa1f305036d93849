import { createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SANDBOX_WEBHOOK_PRIVATE_KEY } from './domain/webhooks/sandbox-webhook-key.js';
import { IDS, iso, openSandbox, T0 } from './testing/sandbox-harness.js';

const REPORT = {
  start: iso(T0 - 86_400_000),
  end: iso(T0),
  event: 'Agent-IntelliAssign-Activity',
  format: 'csv',
} as const;
const publicPem = (privatePem: string) =>
  createPublicKey(privatePem).export({ type: 'spki', format: 'pem' }).toString();

/** Makes one of everything that takes a new id, and answers what it made. */
async function makeEverything(sandbox: ReturnType<typeof openSandbox>) {
  const { control, freshchat } = sandbox;
  const status = (await control.POST('/_mock/statuses', { body: { name: 'On a call' } })).data?.id;
  const agent = (await control.POST('/_mock/agents', { body: { first_name: 'Ada', last_name: 'Lovelace' } })).data?.id;
  const report = (await freshchat.POST('/reports/raw', { body: REPORT })).data?.id;
  const subscription = (await control.POST('/_mock/webhooks', { body: { url: 'http://127.0.0.1:9/hook' } })).data?.id;
  const fault = (await control.POST('/_mock/faults', { body: { type: 'report_failure' } })).data?.id;
  const account = (await control.POST('/_mock/accounts', { body: {} })).data;
  const triggered = await control.POST('/_mock/webhooks/trigger', { body: { action: 'agent_availability' } });
  const key = (
    await sandbox.clientsFor(account?.token as string).control.GET('/_mock/webhooks/public-key', {
      parseAs: 'text',
    })
  ).data;
  return { status, agent, report, subscription, fault, account, event: triggered.data?.event_id, key };
}

describe('createMockServer, reproducible', () => {
  it('makes the same ids, tokens and keys from one idSeed, and others from another', async () => {
    const first = await makeEverything(openSandbox({ idSeed: 7 }));
    const second = await makeEverything(openSandbox({ idSeed: 7 }));
    const other = await makeEverything(openSandbox({ idSeed: 8 }));

    expect(second).toEqual(first);
    expect(first.account?.token).toMatch(/^sbx_[0-9a-f]{32}$/);
    expect(first.key).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    for (const field of Object.keys(first) as (keyof typeof first)[])
      expect(other[field], field).not.toEqual(first[field]);
  }, 30_000);

  it('makes random ids without a seed', async () => {
    const a = openSandbox();
    const b = openSandbox();
    const status = async (s: typeof a) => (await s.control.POST('/_mock/statuses', { body: { name: 'x' } })).data?.id;
    expect(await status(a)).not.toBe(await status(b));
  });

  it('starts the clock frozen at clockStart, so answers carry exact times', async () => {
    const { control, raw } = openSandbox({ clock: undefined, frozenClock: true, clockStart: '2030-06-15T12:00:00Z' });
    await new Promise((resolve) => setTimeout(resolve, 15));
    expect((await control.GET('/_mock/clock')).data).toEqual({ now: iso(T0), frozen: true });
    await control.POST('/_mock/clock/advance', { body: { seconds: 61 } });
    const response = await raw('/v2/agents/status', { headers: { Authorization: 'Bearer sandbox-token' } });
    expect(response.headers.get('Date')).toBe('Sat, 15 Jun 2030 12:01:01 GMT');
  });

  it('stamps every answer with the clock time, errors and storage answers included', async () => {
    const { raw } = openSandbox();
    for (const path of ['/v2/agents/status', '/v2/nowhere', '/_storage/extraction/x.zip', '/openapi.yaml']) {
      expect((await raw(path)).headers.get('Date'), path).toBe('Sat, 15 Jun 2030 12:00:00 GMT');
    }
  });

  it('signs the default account with its documented key, and a seed may carry a key', async () => {
    const { control } = openSandbox();
    const own = await control.GET('/_mock/webhooks/public-key', { parseAs: 'text' });
    expect(own.data).toBe(publicPem(SANDBOX_WEBHOOK_PRIVATE_KEY));

    const seeded = await control.POST('/_mock/accounts', {
      body: { webhook_private_key: SANDBOX_WEBHOOK_PRIVATE_KEY },
    });
    expect(seeded.response.status).toBe(201);
  });

  it.each([
    [
      'not a key',
      '-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----',
      'webhook_private_key: must be an RSA private key in PEM',
    ],
    ['no PEM at all', 'secret', 'webhook_private_key: must match pattern "^-----BEGIN (RSA )?PRIVATE KEY-----"'],
  ])('answers 400 naming webhook_private_key for %s', async (_, key, message) => {
    const { control } = openSandbox();
    const { error, response } = await control.POST('/_mock/accounts', { body: { webhook_private_key: key } });
    expect(response.status).toBe(400);
    expect(error?.message).toBe(message);
  });

  it('goes on drawing after a reset, so a reset repeats no id made before it', async () => {
    const sandbox = openSandbox({ idSeed: 7 });
    const before = (await sandbox.control.POST('/_mock/statuses', { body: { name: 'x' } })).data?.id;
    await sandbox.control.POST('/_mock/reset');
    const after = (await sandbox.control.POST('/_mock/statuses', { body: { name: 'x' } })).data?.id;
    expect(after).not.toBe(before);
    expect(
      (await sandbox.freshchat.GET('/agents/{agent_id}', { params: { path: { agent_id: IDS.john } } })).data?.id,
    ).toBe(IDS.john);
  });
});
