import { describe, expect, it } from 'vitest';
import { auth, createAccount, iso, openSandbox, T0, UUID } from '../testing/sandbox-harness.js';

describe('webhook subscriptions', () => {
  it('makes each new account’s first signing key off the event loop: the loop turns while four are made at once', async () => {
    const sandbox = openSandbox();
    const accounts = await Promise.all(Array.from({ length: 4 }, () => createAccount(sandbox)));
    let turns = 0;
    let making = true;
    const count = () => {
      turns++;
      if (making) setImmediate(count);
    };
    setImmediate(count);
    const keys = await Promise.all(
      accounts.map((a) => a.control.GET('/_mock/webhooks/public-key', { parseAs: 'text' })),
    );
    making = false;

    expect(new Set(keys.map((k) => k.data)).size).toBe(4);
    expect(keys.every((k) => k.data?.startsWith('-----BEGIN PUBLIC KEY-----'))).toBe(true);
    expect(turns).toBeGreaterThan(10);
  });

  it('holds at most 100 subscriptions per account: a new URL past it is 409 SUBSCRIPTION_LIMIT, a known one 200', async () => {
    const { control } = openSandbox();
    for (let n = 0; n < 100; n++) {
      const made = await control.POST('/_mock/webhooks', { body: { url: `http://127.0.0.1:9/hook/${n}` } });
      expect(made.response.status).toBe(201);
    }

    const past = await control.POST('/_mock/webhooks', { body: { url: 'http://127.0.0.1:9/hook/100' } });
    const known = await control.POST('/_mock/webhooks', { body: { url: 'http://127.0.0.1:9/hook/7' } });

    expect(past.response.status).toBe(409);
    expect(past.error).toEqual({
      code: 409,
      status: 'SUBSCRIPTION_LIMIT',
      message: 'url: an account holds at most 100 webhook subscriptions; remove one first',
    });
    expect(known.response.status).toBe(200);
    expect((await control.GET('/_mock/webhooks')).data?.subscriptions).toHaveLength(100);
  });

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
