/**
 * A project's tests as the workflow runs them: against the sandbox at FRESHCHAT_BASE_URL (the command the workflow
 * started), or, when it is not set (a developer's plain `test`), against a sandbox of their own on a free port.
 */
import { createControlClient, createFreshchatClient } from '@freshchat-sandbox/client';
import { listen } from '@freshchat-sandbox/mock-server';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';

const JOHN_DOE = 'afd5102c-5443-4fe3-a069-4fe25189a0a1';
const BREAK = '0973d9a6-5a19-4f21-bed5-39ece50a9a77';

let baseUrl = process.env.FRESHCHAT_BASE_URL ?? '';
const token = process.env.FRESHCHAT_TOKEN ?? 'sandbox-token';
let stop = async () => {};

beforeAll(async () => {
  if (baseUrl !== '') return;
  const own = await listen({ port: 0 });
  baseUrl = `${own.url}/v2`;
  stop = own.stop;
});
afterAll(() => stop());

// A shared sandbox keeps what earlier tests did: start each test from the seed.
beforeEach(async () => {
  const control = createControlClient({ baseUrl: new URL(baseUrl).origin, token });
  const { error } = await control.POST('/_mock/reset');
  expect(error).toBeUndefined();
});

it('lists the custom statuses', async () => {
  const freshchat = createFreshchatClient({ baseUrl, token });
  const { data } = await freshchat.GET('/agents/status');
  expect(data?.states.map((state) => state.name)).toEqual([
    'Lunch',
    'Break',
    'Meeting',
    'Knowledge training',
    'Tea break',
  ]);
});

it('puts an agent on a break, and reads it back', async () => {
  const freshchat = createFreshchatClient({ baseUrl, token });
  const patched = await freshchat.PATCH('/agents/{agent_id}', {
    params: { path: { agent_id: JOHN_DOE } },
    body: { agent_status: { id: BREAK } },
  });
  expect(patched.data).toEqual({ availability_status: 'UNAVAILABLE', agent_status: { id: BREAK, name: 'Break' } });
  const { data } = await freshchat.GET('/agents/{agent_id}', { params: { path: { agent_id: JOHN_DOE } } });
  expect(data?.agent_status?.name).toBe('Break');
});
