import {
  type ControlClient,
  createControlClient,
  createFreshchatClient,
  type FetchLike,
  type FreshchatClient,
} from '@freshchat-sandbox/client';
import { expect } from 'vitest';
import type { ContractTarget, SandboxControl } from '../target.js';

/** The seeded sandbox account (docs/contract.md); only sandbox-only checks rely on it. */
export const SEED = {
  appId: 'f18dcf5f-338b-421e-b329-3dfd39b068d0',
  adminId: '5b3c1f0e-7a52-4d6b-9c1e-2f4a8d9e0b71',
  customStatuses: {
    Lunch: 'ccd63293-dd83-4369-a1e9-27aeabc4e62e',
    Break: '0973d9a6-5a19-4f21-bed5-39ece50a9a77',
    Meeting: 'ea0ab820-e97c-47f5-8443-7bd362adc393',
    'Knowledge training': 'd2ccfc02-19b7-4c13-ac9e-a5945be6af37',
    'Tea break': '8e755ebf-6921-465d-b713-985a8ad13c04',
  },
  agents: {
    johnDoe: 'afd5102c-5443-4fe3-a069-4fe25189a0a1',
    mattGibson: '21fc58b1-9bbe-4891-af50-723576e8d1b3',
  },
} as const;

/** Ids no account holds: well-formed UUIDs that must answer 404. */
export const UNKNOWN_ID = '00000000-0000-4000-8000-00000000dead';

/** A token no account holds. */
export const WRONG_TOKEN = 'not-a-valid-token-for-any-account';

/** The title suffix of a check that only the sandbox can run. */
export const SANDBOX_ONLY = '[sandbox only: needs the control API, skipped on a real account]';

/** The title suffix of a check that changes an agent's status. */
export const CHANGES_AN_AGENT =
  "[changes an agent's status and restores it; on a real account only when FRESHCHAT_AGENT_ID names the agent]";

const defaultFetch: FetchLike = (request) => globalThis.fetch(request);

/** A typed client of the target's Freshchat API. */
export function freshchatClient(target: ContractTarget, token = target.token): FreshchatClient {
  return createFreshchatClient({ baseUrl: target.baseUrl, token, fetch: target.fetch ?? defaultFetch });
}

/** The target's control API; throws on a target that is not the sandbox (only sandbox-only checks call it). */
export function sandboxControl(target: ContractTarget): Required<SandboxControl> {
  if (!target.sandbox || !target.control) throw new Error('this check needs the sandbox and its control API');
  return { origin: target.control.origin, fetch: target.control.fetch ?? defaultFetch };
}

/** A typed client of the sandbox's control API. */
export function controlClient(target: ContractTarget, token = target.token): ControlClient {
  const control = sandboxControl(target);
  return createControlClient({ baseUrl: control.origin, token, fetch: control.fetch });
}

/** One raw request: for what a typed client will not send (wrong tokens, wrong content types, huge bodies). */
export type RawRequest = {
  method: string;
  /** Path under the Freshchat base URL (`/agents`), or under the sandbox origin (`/_mock/clock`) for `sendControl`. */
  path: string;
  /** A JSON value to send as `application/json`, or a string sent as is. */
  body?: unknown;
  /** Overrides the Content-Type sent with the body. */
  contentType?: string;
  /** The bearer token; the target's own unless given. */
  token?: string;
};

function toRequest(url: string, raw: RawRequest, token: string): Request {
  const headers = new Headers({ Authorization: `Bearer ${raw.token ?? token}` });
  let body: string | undefined;
  if (raw.body !== undefined) {
    body = typeof raw.body === 'string' ? raw.body : JSON.stringify(raw.body);
    headers.set('Content-Type', raw.contentType ?? 'application/json');
  }
  return new Request(url, { method: raw.method, headers, body });
}

/** Sends a raw request to the target's Freshchat API. */
export function send(target: ContractTarget, raw: RawRequest): Promise<Response> {
  return (target.fetch ?? defaultFetch)(toRequest(`${target.baseUrl}${raw.path}`, raw, target.token));
}

/** Sends a raw request to the sandbox (control API or storage). */
export function sendControl(target: ContractTarget, raw: RawRequest): Promise<Response> {
  const control = sandboxControl(target);
  return control.fetch(toRequest(`${control.origin}${raw.path}`, raw, target.token));
}

/**
 * Raw senders to the sandbox's control API, one per method: for the bodies and ids a typed client will not send.
 *
 * @example
 * const { post } = controlSenders(target);
 * await expectError(await post('/_mock/clock/advance', { seconds: 0 }), 400, { field: 'seconds' });
 */
export function controlSenders(target: ContractTarget) {
  return {
    post: (path: string, body?: unknown) => sendControl(target, { method: 'POST', path, body }),
    patch: (path: string, body?: unknown) => sendControl(target, { method: 'PATCH', path, body }),
    del: (path: string) => sendControl(target, { method: 'DELETE', path }),
    get: (path: string) => sendControl(target, { method: 'GET', path }),
  };
}

/** Fetches an absolute URL (a storage link) through the sandbox's fetch, without a token. */
export function fetchLink(target: ContractTarget, href: string): Promise<Response> {
  return sandboxControl(target).fetch(new Request(href));
}

/** A Freshchat error body: `{code, status, message}`. */
export type ErrorBody = { code: number; status: string; message: string };

/**
 * Asserts an error answer: the HTTP status, and Freshchat's error body whose `code` repeats it. `field`, when given,
 * must be named in the message. Returns the body.
 */
export async function expectError(
  response: Response,
  status: number,
  expected: { field?: string; code?: string } = {},
): Promise<ErrorBody> {
  const text = await response.text();
  expect(response.status, `expected ${status}, got ${response.status}: ${text}`).toBe(status);
  const body = JSON.parse(text) as ErrorBody;
  expect(body).toMatchObject({ code: status, status: expect.stringMatching(/^[A-Z][A-Z0-9_]*$/) });
  expect(typeof body.message).toBe('string');
  if (expected.code) expect(body.status).toBe(expected.code);
  if (expected.field) expect(body.message).toContain(expected.field);
  return body;
}

/** Expects `Retry-After` in whole seconds, at least 1; returns it. */
export function expectRetryAfter(response: Response, max = 3600): number {
  const value = response.headers.get('retry-after');
  expect(value, 'Retry-After header').toMatch(/^\d+$/);
  const seconds = Number(value);
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(max);
  return seconds;
}

/** The target's "now": the sandbox's virtual clock, or this machine's clock for a real account. */
export async function targetNow(target: ContractTarget): Promise<number> {
  if (!target.sandbox) return Date.now();
  const { data } = await controlClient(target).GET('/_mock/clock');
  if (!data) throw new Error('GET /_mock/clock failed');
  return Date.parse(data.now);
}

/**
 * The ids of the sandbox account's two built-in statuses, from `GET /_mock/account`: each account has its own (as in
 * Freshchat), so they are read, never hard-coded.
 */
export async function builtInStatusIds(target: ContractTarget): Promise<{ active: string; unavailable: string }> {
  const { built_in_statuses } = ok(await controlClient(target).GET('/_mock/account'), 'account');
  return { active: built_in_statuses.active.id, unavailable: built_in_statuses.unavailable.id };
}

/** Moves the sandbox's clock forward. */
export async function advanceClock(target: ContractTarget, seconds: number): Promise<number> {
  const { data, error } = await controlClient(target).POST('/_mock/clock/advance', { body: { seconds } });
  if (!data) throw new Error(`POST /_mock/clock/advance failed: ${JSON.stringify(error)}`);
  return Date.parse(data.now);
}

/** ISO-8601 in UTC, to the second (`2020-12-14T13:00:00Z`). */
export function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** Fails with the answer's body when a typed call did not succeed; returns its data. */
export function ok<T>(result: { data?: T; error?: unknown; response: Response }, what: string): T {
  if (result.data === undefined) {
    throw new Error(`${what}: ${result.response.status} ${JSON.stringify(result.error)}`);
  }
  return result.data;
}
