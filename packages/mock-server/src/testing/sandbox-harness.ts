import {
  type ControlClient,
  type components,
  createControlClient,
  createFreshchatClient,
  type FreshchatClient,
} from '@freshchat-sandbox/client';
import { expect, onTestFinished } from 'vitest';
import { DEFAULT_SEED } from '../domain/accounts/default-seed.js';
import { VirtualClock } from '../domain/clock/virtual-clock.js';
import { createMockServer, type MockServer, type MockServerOptions } from '../mock-server.js';

/** The origin the in-process sandbox is reached at (nothing listens there: requests go straight to `app.fetch`). */
export const ORIGIN = 'http://sandbox.local';
/** The default account's token. */
export const TOKEN = 'sandbox-token';

/** Where a frozen clock starts: noon UTC, so "today" has a morning and the day before yesterday an afternoon. */
export const T0 = Date.parse('2030-06-15T12:00:00.000Z');

/**
 * The default seed's ids, as the design names them; the built-in statuses' ids are the ones {@link TEST_SEED} sets
 * (each account has its own: a sandbox without a seed that sets them makes new ones).
 */
export const IDS = {
  appId: 'f18dcf5f-338b-421e-b329-3dfd39b068d0',
  active: 'a1a1a1a1-0000-4000-8000-000000000001',
  unavailable: 'a1a1a1a1-0000-4000-8000-000000000002',
  lunch: 'ccd63293-dd83-4369-a1e9-27aeabc4e62e',
  break: '0973d9a6-5a19-4f21-bed5-39ece50a9a77',
  meeting: 'ea0ab820-e97c-47f5-8443-7bd362adc393',
  training: 'd2ccfc02-19b7-4c13-ac9e-a5945be6af37',
  teaBreak: '8e755ebf-6921-465d-b713-985a8ad13c04',
  john: 'afd5102c-5443-4fe3-a069-4fe25189a0a1',
  matt: '21fc58b1-9bbe-4891-af50-723576e8d1b3',
  sarah: 'f3d5cc97-0c87-4ae8-b37b-ecf615a851ec',
  sebastian: '6c1e9a47-58b2-4f0d-93a4-0e7d2b5c8f16',
} as const;

/** An id that no seed uses. */
export const UNKNOWN_ID = '99999999-9999-4999-8999-999999999999';

/** The default seed's admin: the actor of every change the seed and the Freshchat API make. */
export const ADMIN_ID = '5b3c1f0e-7a52-4d6b-9c1e-2f4a8d9e0b71';
/** The built-in "active" status as a status reference. */
export const ACTIVE = { id: IDS.active, name: 'Active on IntelliAssign' };
/** The built-in "unavailable" status as a status reference. */
export const UNAVAILABLE = { id: IDS.unavailable, name: 'Unavailable' };
/** The two built-in statuses as the control API lists them. */
export const BUILT_INS = [
  { ...ACTIVE, emoji: '', built_in: true },
  { ...UNAVAILABLE, emoji: '', built_in: true },
];
/** The default seed's custom status names, in the order the Freshchat API lists them. */
export const SEED_STATUS_NAMES = ['Lunch', 'Break', 'Meeting', 'Knowledge training', 'Tea break'];
/** Any lower-case UUID, as the sandbox issues ids. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The default seed with its built-in statuses' ids set, as a seed file may set them, so a test can name them
 * ({@link IDS}`.active`, `.unavailable`). What `openSandbox` starts with unless a test gives another seed.
 */
export const TEST_SEED = {
  accounts: DEFAULT_SEED.accounts.map((account, i) =>
    i === 0 ? { ...account, built_in_status_ids: { active: IDS.active, unavailable: IDS.unavailable } } : account,
  ),
};

/** A clock that moves only when advanced or set, so every time a test reads is exact. */
export function frozenClock(start: number = T0): VirtualClock {
  return VirtualClock.frozenAt(start);
}

/** One in-process sandbox with typed clients on both APIs; closed when the test finishes. */
export type TestSandbox = {
  mock: MockServer;
  freshchat: FreshchatClient;
  control: ControlClient;
  /** The `fetch` that reaches the sandbox in-process. */
  fetch: (request: Request) => Promise<Response>;
  /** Clients for another account's token. */
  clientsFor(token: string): { freshchat: FreshchatClient; control: ControlClient };
  /** A raw request, for what the clients cannot express; `path` is relative to the origin. */
  raw(path: string, init?: RequestInit): Promise<Response>;
  /** Moves the clock forward through the control API. */
  advance(seconds: number): Promise<void>;
};

/**
 * Creates a fresh sandbox for one test, on a frozen clock at {@link T0} unless `options.clock` says otherwise, and
 * closes it when the test finishes.
 */
export function openSandbox(options: MockServerOptions = {}): TestSandbox {
  const mock = createMockServer({ clock: frozenClock(), seed: TEST_SEED, ...options });
  onTestFinished(() => mock.close());
  const fetch = (req: Request) => mock.app.fetch(req);
  const clientsFor = (token: string) => ({
    freshchat: createFreshchatClient({ baseUrl: `${ORIGIN}/v2`, token, fetch }),
    control: createControlClient({ baseUrl: ORIGIN, token, fetch }),
  });
  const { freshchat, control } = clientsFor(TOKEN);
  return {
    mock,
    freshchat,
    control,
    fetch,
    clientsFor,
    raw: async (path, init) => mock.app.request(`${ORIGIN}${path}`, init),
    advance: async (seconds) => {
      const { response } = await control.POST('/_mock/clock/advance', { body: { seconds } });
      if (response.status !== 200) throw new Error(`advance ${seconds}: ${response.status}`);
    },
  };
}

/** Headers carrying the default token. */
export function auth(extra: Record<string, string> = {}): Record<string, string> {
  return { Authorization: `Bearer ${TOKEN}`, ...extra };
}

/** ISO text of an epoch-ms time. */
export const iso = (ms: number) => new Date(ms).toISOString();

/** Anything with clients on both APIs: an in-process sandbox or one listening on a port. */
type Clients = { freshchat: FreshchatClient; control: ControlClient };
type StatusUpdate = components['schemas']['AgentStatusUpdate'];

/** Changes an agent's status as an admin would (`PATCH /v2/agents/{id}`), expecting a 200. */
export async function patchAgent(sandbox: Clients, agentId: string, body: StatusUpdate) {
  const result = await sandbox.freshchat.PATCH('/agents/{agent_id}', { params: { path: { agent_id: agentId } }, body });
  expect(result.response.status).toBe(200);
  return result;
}

/** Changes an agent's status as the agent would (`POST /_mock/agents/{id}/status`), expecting a 200. */
export async function setAsAgent(sandbox: Clients, agentId: string, body: StatusUpdate) {
  const result = await sandbox.control.POST('/_mock/agents/{agent_id}/status', {
    params: { path: { agent_id: agentId } },
    body,
  });
  expect(result.response.status).toBe(200);
  return result;
}

/** An agent's status history (`GET /_mock/agents/{id}/history`), empty when there is none. */
export async function historyOf(control: ControlClient, agentId: string) {
  const { data } = await control.GET('/_mock/agents/{agent_id}/history', { params: { path: { agent_id: agentId } } });
  return data?.history ?? [];
}

/** Creates another account (`POST /_mock/accounts`, expecting a 201) and returns it with clients for its token. */
export async function createAccount(sandbox: TestSandbox, body: object = {}) {
  const { data, response } = await sandbox.control.POST('/_mock/accounts', { body: body as never });
  if (response.status !== 201 || !data) throw new Error(`createAccount: ${response.status}`);
  return { ...data, ...sandbox.clientsFor(data.token) };
}

/** A response's body as text: the first event of an event stream (which never ends by itself), else all of it. */
export async function bodyText(response: Response): Promise<string> {
  if (!response.headers.get('content-type')?.startsWith('text/event-stream')) return response.text();
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const { value } = await reader.read();
  await reader.cancel();
  return new TextDecoder().decode(value);
}
