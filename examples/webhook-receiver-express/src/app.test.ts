import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createControlClient, createFreshchatClient } from '@freshchat-sandbox/client';
import { type ListeningMockServer, listen } from '@freshchat-sandbox/mock-server';
import type { AgentAvailabilityEvent } from '@freshchat-sandbox/webhook-types';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createApp } from './app.js';

const JOHN_DOE = 'afd5102c-5443-4fe3-a069-4fe25189a0a1';
const LUNCH = 'ccd63293-dd83-4369-a1e9-27aeabc4e62e';

// The sandbox and the app each on a free port of 127.0.0.1: the webhook crosses a real socket, signed.
let sandbox: ListeningMockServer;
let server: Server;
let appUrl: string;
const events: AgentAvailabilityEvent[] = [];

beforeEach(async () => {
  events.length = 0;
  sandbox = await listen({ port: 0, frozenClock: true, clockStart: '2030-01-01T12:00:00Z' });
  const control = createControlClient({ baseUrl: sandbox.url, token: 'sandbox-token' });
  const { data: publicKey } = await control.GET('/_mock/webhooks/public-key', { parseAs: 'text' });
  const app = createApp({ publicKey: publicKey ?? '', onStatusChange: (event) => events.push(event) });
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await control.POST('/_mock/webhooks', { body: { url: `${appUrl}/freshchat/webhook` } });
});

afterEach(async () => {
  await sandbox.stop();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

it('receives a status change made as the agent would make it, verified', async () => {
  const control = createControlClient({ baseUrl: sandbox.url, token: 'sandbox-token' });
  const { error } = await control.POST('/_mock/agents/{agent_id}/status', {
    params: { path: { agent_id: JOHN_DOE } },
    body: { agent_status: { id: LUNCH } },
  });
  expect(error).toBeUndefined();
  await sandbox.webhooks.idle();

  expect(
    events.map((event) => [event.actor.actor_type, event.data.agent_availability.metadata.agent_status.name]),
  ).toEqual([['agent', 'Lunch']]);
});

it('passes on an event once, though the sandbox resends it', async () => {
  const freshchat = createFreshchatClient({ baseUrl: `${sandbox.url}/v2`, token: 'sandbox-token' });
  await freshchat.PATCH('/agents/{agent_id}', {
    params: { path: { agent_id: JOHN_DOE } },
    body: { availability_status: 'UNAVAILABLE' },
  });
  await sandbox.webhooks.idle();
  const control = createControlClient({ baseUrl: sandbox.url, token: 'sandbox-token' });
  const { data } = await control.GET('/_mock/webhooks/deliveries');
  const first = data?.deliveries[0];
  expect(first?.response_status).toBe(204);
  await control.POST('/_mock/webhooks/deliveries/{delivery_id}/resend', {
    params: { path: { delivery_id: first?.id ?? '' } },
  });
  await sandbox.webhooks.idle();

  const after = await control.GET('/_mock/webhooks/deliveries');
  expect(after.data?.deliveries.map((delivery) => [delivery.retry_count, delivery.response_status])).toEqual([
    [0, 204],
    [1, 204],
  ]);
  expect(events.map((event) => event.data.agent_availability.status)).toEqual(['UNAVAILABLE']);
});

it('refuses a forged delivery with 401 naming the header, while the rest of the app parses JSON', async () => {
  const forged = await fetch(`${appUrl}/freshchat/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-freshchat-signature': 'Zm9yZ2Vk' },
    body: '{"action":"agent_availability"}',
  });
  expect(forged.status).toBe(401);
  expect(await forged.json()).toMatchObject({ kind: 'bad_signature', status: 401 });

  const note = await fetch(`${appUrl}/notes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"text":"hello"}',
  });
  expect(await note.json()).toEqual({ received: { text: 'hello' } });
  expect(events).toEqual([]);
});
