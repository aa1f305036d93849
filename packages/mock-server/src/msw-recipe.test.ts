import { createFreshchatClient } from '@freshchat-sandbox/client';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMockServer } from './index.js';

// docs/testing.md's "Behind MSW" recipe, verbatim in substance: code that calls https://api.freshchat.com/v2 unchanged talks to the
// sandbox through MSW.
const mock = createMockServer();
const server = setupServer(
  http.all('https://api.freshchat.com/v2/*', async ({ request }) => {
    const url = new URL(request.url);
    return mock.app.fetch(new Request(`http://sandbox.local${url.pathname}${url.search}`, request));
  }),
  http.all('*', () => HttpResponse.error()),
);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => {
  server.close();
  mock.close();
});

it('answers a client of the real host from the sandbox, reads and writes included', async () => {
  const client = createFreshchatClient({ token: 'sandbox-token' }); // the default base URL: api.freshchat.com/v2
  const statuses = await client.GET('/agents/status');
  expect(statuses.response.status).toBe(200);
  expect(statuses.data?.states.map((s) => s.name)).toContain('Tea break');

  const patched = await client.PATCH('/agents/{agent_id}', {
    params: { path: { agent_id: 'afd5102c-5443-4fe3-a069-4fe25189a0a1' } },
    body: { agent_status: { id: 'ea0ab820-e97c-47f5-8443-7bd362adc393' } },
  });
  expect(patched.data).toEqual({
    availability_status: 'UNAVAILABLE',
    agent_status: { id: 'ea0ab820-e97c-47f5-8443-7bd362adc393', name: 'Meeting' },
  });
  // The change landed in the sandbox's state, not in a canned answer.
  const agent = await client.GET('/agents/{agent_id}', {
    params: { path: { agent_id: 'afd5102c-5443-4fe3-a069-4fe25189a0a1' } },
  });
  expect(agent.data?.agent_status.name).toBe('Meeting');
});

it('keeps the sandbox error shape for a bad token', async () => {
  const client = createFreshchatClient({ token: 'wrong' });
  const { error, response } = await client.GET('/agents/status');
  expect(response.status).toBe(401);
  expect(error).toEqual({ code: 401, status: 'UNAUTHORIZED', message: 'Authorization: the token is not valid' });
});
