import type { paths as ControlPaths } from '@freshchat-sandbox/openapi/types/mock-control';
import createClient, { type Client } from 'openapi-fetch';
import { bearerHeaders, type FetchLike, toRequestFetch } from './freshchat-client.js';

/** The sandbox's default origin (`PORT` 4010 on `HOST` 127.0.0.1). */
export const SANDBOX_ORIGIN = 'http://127.0.0.1:4010';

/** Options of {@link createControlClient}. */
export interface ControlClientOptions {
  /** The sandbox's origin, without `/v2` or `/_mock` (paths carry `/_mock`). Default: `http://127.0.0.1:4010`. */
  baseUrl?: string;
  /** The account's token (`sandbox-token` for the seeded account); control calls reach only that account. */
  token: string;
  /** Sends the requests instead of `globalThis.fetch`, e.g. straight into an in-process mock server. */
  fetch?: FetchLike;
  /** Extra headers sent on every request. */
  headers?: RequestInit['headers'];
}

/** A typed client of the sandbox's control API (`/_mock/...`): clock, reset, statuses, agents, webhooks, faults. */
export type ControlClient = Client<ControlPaths>;

/**
 * Creates a typed client of the sandbox's control API, described in `openapi/mock-control.yaml`.
 *
 * @example
 * const control = createControlClient({ baseUrl: 'http://127.0.0.1:4010', token: 'sandbox-token' });
 * await control.POST('/_mock/reset');
 * // Let a report's generation delay pass without waiting for it
 * const { data } = await control.POST('/_mock/clock/advance', { body: { seconds: 30 } });
 * console.log(data?.now);
 */
export function createControlClient(options: ControlClientOptions): ControlClient {
  const { baseUrl = SANDBOX_ORIGIN, token, fetch, headers } = options;
  return createClient<ControlPaths>({
    baseUrl,
    headers: bearerHeaders(token, headers, 'createControlClient'),
    fetch: fetch && toRequestFetch(fetch),
  });
}
