import { createControlClient, createFreshchatClient } from '@freshchat-sandbox/client';
import { createMockServer } from '@freshchat-sandbox/mock-server';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { secondsOnStatus } from './time-on-status.js';

const JOHN_DOE = 'afd5102c-5443-4fe3-a069-4fe25189a0a1';
const MEETING = 'ea0ab820-e97c-47f5-8443-7bd362adc393';
const LUNCH = 'ccd63293-dd83-4369-a1e9-27aeabc4e62e';

// One fresh sandbox per test, in-process: no port, no process, and a frozen clock so every number is exact.
let mock: ReturnType<typeof createMockServer>;
let fetch: (req: Request) => Promise<Response>;
let freshchat: ReturnType<typeof createFreshchatClient>;
let control: ReturnType<typeof createControlClient>;

beforeEach(() => {
  mock = createMockServer({ frozenClock: true, clockStart: '2030-01-01T09:00:00Z', idSeed: 1 });
  fetch = (req) => mock.app.fetch(req);
  freshchat = createFreshchatClient({ baseUrl: 'http://sandbox.local/v2', token: 'sandbox-token', fetch });
  control = createControlClient({ baseUrl: 'http://sandbox.local', token: 'sandbox-token', fetch });
});

afterEach(() => mock.close());

/** Moves the sandbox's clock through its control API, as a test in another language would. */
async function advance(seconds: number): Promise<void> {
  const { error } = await control.POST('/_mock/clock/advance', { body: { seconds } });
  expect(error).toBeUndefined();
}

async function putOn(agentId: string, statusId: string): Promise<void> {
  const { data, error } = await freshchat.PATCH('/agents/{agent_id}', {
    params: { path: { agent_id: agentId } },
    body: { agent_status: { id: statusId } },
  });
  expect(error).toBeUndefined();
  expect(data?.agent_status?.id).toBe(statusId);
}

it('adds up a morning of status changes, to the second', async () => {
  await advance(30 * 60); // 09:30
  await putOn(JOHN_DOE, MEETING);
  await advance(45 * 60); // 10:15
  await putOn(JOHN_DOE, LUNCH);
  await advance(15 * 60); // 10:30

  const seconds = await secondsOnStatus(
    freshchat,
    { start: '2030-01-01T00:00:00Z', end: '2030-01-01T10:30:00Z' },
    // Each poll of the report moves the frozen clock instead of waiting; downloads go in-process too.
    { sleep: async (ms) => void mock.clock.advance(ms / 1000), fetch },
  );

  expect(Object.fromEntries(seconds.get('John Doe') ?? [])).toEqual({
    'Active on IntelliAssign': 30 * 60,
    Meeting: 45 * 60,
    Lunch: 15 * 60,
  });
  expect(Object.fromEntries(seconds.get('Matt Gibson') ?? [])).toEqual({ 'Active on IntelliAssign': 90 * 60 });
});

it('sees an unknown status refused in the error shape Freshchat uses', async () => {
  const { error, response } = await freshchat.PATCH('/agents/{agent_id}', {
    params: { path: { agent_id: JOHN_DOE } },
    body: { agent_status: { id: '00000000-0000-4000-8000-00000000ffff' } },
  });
  expect(response.status).toBe(400);
  expect(error).toMatchObject({ code: 400, message: expect.stringContaining('agent_status.id') });
});
