import { describe, expect, it } from 'vitest';
import { createFreshchatClient } from './freshchat-client.js';
import { fakeFetch, jsonAnswer } from './testing/fake-fetch.js';

const statuses = {
  states: [
    { id: 'ccd63293-dd83-4369-a1e9-27aeabc4e62e', name: 'Lunch' },
    { id: 'ea0ab820-e97c-47f5-8443-7bd362adc393', name: 'Meeting' },
  ],
};

describe('createFreshchatClient', () => {
  it('sends the token as one bearer Authorization header', async () => {
    const fetch = fakeFetch([jsonAnswer(200, statuses)]);
    const client = createFreshchatClient({ token: 'sandbox-token', fetch });

    await client.GET('/agents/status');

    expect(fetch.requests[0]?.headers.get('Authorization')).toBe('Bearer sandbox-token');
  });

  it('keeps extra headers and lets the token win over a stale Authorization among them', async () => {
    const fetch = fakeFetch([jsonAnswer(200, statuses)]);
    const client = createFreshchatClient({
      token: 'new-token',
      fetch,
      headers: { 'X-Trace': 'abc', Authorization: 'Bearer old-token' },
    });

    await client.GET('/agents/status');

    expect(fetch.requests[0]?.headers.get('X-Trace')).toBe('abc');
    expect(fetch.requests[0]?.headers.get('Authorization')).toBe('Bearer new-token');
  });

  it("uses Freshchat's host when no baseUrl is given", async () => {
    const fetch = fakeFetch([jsonAnswer(200, statuses)]);
    const client = createFreshchatClient({ token: 't', fetch });

    await client.GET('/agents/status');

    expect(fetch.requests[0]?.url).toBe('https://api.freshchat.com/v2/agents/status');
  });

  it('honours baseUrl, path parameters and the JSON body', async () => {
    const fetch = fakeFetch([
      jsonAnswer(200, {
        availability_status: 'UNAVAILABLE',
        agent_status: { id: 'ea0ab820-e97c-47f5-8443-7bd362adc393', name: 'Meeting' },
      }),
    ]);
    const client = createFreshchatClient({ baseUrl: 'http://127.0.0.1:4010/v2/', token: 't', fetch });

    const { data } = await client.PATCH('/agents/{agent_id}', {
      params: { path: { agent_id: 'afd5102c-5443-4fe3-a069-4fe25189a0a1' } },
      body: { agent_status: { id: 'ea0ab820-e97c-47f5-8443-7bd362adc393' } },
    });

    const request = fetch.requests[0];
    expect(request?.method).toBe('PATCH');
    expect(request?.url).toBe('http://127.0.0.1:4010/v2/agents/afd5102c-5443-4fe3-a069-4fe25189a0a1');
    expect(await request?.json()).toEqual({ agent_status: { id: 'ea0ab820-e97c-47f5-8443-7bd362adc393' } });
    expect(data?.agent_status.name).toBe('Meeting');
  });

  it('returns the answer body as data, and an error body as error', async () => {
    const notFound = { code: 404, status: 'AGENT_NOT_FOUND', message: 'agent not found' };
    const fetch = fakeFetch((request) =>
      request.url.endsWith('/agents/status') ? jsonAnswer(200, statuses) : jsonAnswer(404, notFound),
    );
    const client = createFreshchatClient({ token: 't', fetch });

    const listed = await client.GET('/agents/status');
    const missing = await client.GET('/agents/{agent_id}', { params: { path: { agent_id: 'nobody' } } });

    expect(listed.data).toEqual(statuses);
    expect(missing.error).toEqual(notFound);
    expect(missing.response.status).toBe(404);
  });

  it('hands a custom fetch the Request alone, as an in-process app.fetch expects', async () => {
    const fetch = fakeFetch([jsonAnswer(200, statuses)]);
    const mock = { app: { fetch: (request: Request) => fetch(request) } };
    const client = createFreshchatClient({
      baseUrl: 'http://sandbox.test/v2',
      token: 'sandbox-token',
      fetch: (req) => mock.app.fetch(req),
    });

    const { data } = await client.GET('/agents/status');

    expect(data).toEqual(statuses);
    expect(fetch.requests[0]).toBeInstanceOf(Request);
  });

  it('calls a custom fetch with the Request as its only argument', async () => {
    // A Hono app's fetch(request, env) would take a second argument as its env bindings.
    const fetch = fakeFetch([jsonAnswer(200, statuses)]);
    const client = createFreshchatClient({ token: 't', fetch });

    await client.GET('/agents/status');

    expect(fetch.argumentCounts).toEqual([1]);
  });

  it('refuses to build a client without a token', () => {
    expect(() => createFreshchatClient({ token: ' ' })).toThrow(/token is required/);
  });
});
