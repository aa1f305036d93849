import type { AddressInfo } from 'node:net';
import { createControlClient, createFreshchatClient } from '@freshchat-sandbox/client';
import { type ListeningMockServer, listen } from '@freshchat-sandbox/mock-server';
import type { AgentAvailabilityEvent } from '@freshchat-sandbox/webhook-types';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createReceiver } from './receiver.js';

const JOHN_DOE = 'afd5102c-5443-4fe3-a069-4fe25189a0a1';
const MEETING = 'ea0ab820-e97c-47f5-8443-7bd362adc393';

// The sandbox and the receiver each on a free port of 127.0.0.1: the webhook crosses a real socket, signed.
let sandbox: ListeningMockServer;
let receiverUrl: string;
let stopReceiver: () => Promise<void>;
const events: AgentAvailabilityEvent[] = [];

beforeEach(async () => {
  events.length = 0;
  sandbox = await listen({ port: 0, frozenClock: true, clockStart: '2030-01-01T09:00:00Z' });
  const control = createControlClient({ baseUrl: sandbox.url, token: 'sandbox-token' });
  const { data: publicKey } = await control.GET('/_mock/webhooks/public-key', { parseAs: 'text' });
  const server = createReceiver({ publicKey: publicKey ?? '', onStatusChange: (event) => events.push(event) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  stopReceiver = () => new Promise((resolve) => server.close(() => resolve()));
  await control.POST('/_mock/webhooks', { body: { url: receiverUrl } });
});

afterEach(async () => {
  await sandbox.stop();
  await stopReceiver();
});

it('receives the signed agent_availability event of a status change, verified', async () => {
  const freshchat = createFreshchatClient({ baseUrl: `${sandbox.url}/v2`, token: 'sandbox-token' });
  await freshchat.PATCH('/agents/{agent_id}', {
    params: { path: { agent_id: JOHN_DOE } },
    body: { agent_status: { id: MEETING } },
  });
  await sandbox.webhooks.idle();

  expect(events).toHaveLength(1);
  expect(events[0]?.action_time).toBe('2030-01-01T09:00:00.000Z');
  expect(events[0]?.actor.actor_type).toBe('admin');
  expect(events[0]?.data.agent_availability).toMatchObject({
    agent_id: JOHN_DOE,
    status: 'UNAVAILABLE',
    metadata: { agent_status: { id: MEETING, name: 'Meeting' } },
  });
  // The sandbox logged the delivery as answered 204.
  const control = createControlClient({ baseUrl: sandbox.url, token: 'sandbox-token' });
  const { data } = await control.GET('/_mock/webhooks/deliveries');
  expect(data?.deliveries.map(({ outcome, response_status }) => ({ outcome, response_status }))).toEqual([
    { outcome: 'delivered', response_status: 204 },
  ]);
});

it('refuses a forged delivery with 401 and passes nothing on', async () => {
  const answer = await fetch(receiverUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-freshchat-signature': 'Zm9yZ2Vk' },
    body: JSON.stringify({ action: 'agent_availability' }),
  });
  expect(answer.status).toBe(401);
  expect(await answer.text()).toBe('X-Freshchat-Signature: does not match the body and the public key');
  expect(events).toEqual([]);
});
