import type { paths } from '@freshchat-sandbox/openapi/types/freshchat';
import createClient, { type Client } from 'openapi-fetch';

/** Freshchat's public API host; the sandbox serves the same paths under `http://127.0.0.1:4010/v2`. */
export const FRESHCHAT_BASE_URL = 'https://api.freshchat.com/v2';

/**
 * The `fetch` a client sends its requests through. It always receives a `Request`, so an in-process server's
 * handler (such as a Hono app's `app.fetch`) fits as is.
 *
 * @example
 * const fetch: FetchLike = (request) => mock.app.fetch(request);
 */
export type FetchLike = (request: Request) => Promise<Response>;

/** Options of {@link createFreshchatClient}. */
export interface FreshchatClientOptions {
  /** Where the API lives, up to and including `/v2`. Default: `https://api.freshchat.com/v2`. */
  baseUrl?: string;
  /** The account's API token; sent as `Authorization: Bearer <token>` on every request. */
  token: string;
  /** Sends the requests instead of `globalThis.fetch`, e.g. straight into an in-process mock server. */
  fetch?: FetchLike;
  /** Extra headers sent on every request. */
  headers?: RequestInit['headers'];
}

/** A typed client of Freshchat's agent-status API: `GET`, `POST`, `PATCH`… checked against the OpenAPI document. */
export type FreshchatClient = Client<paths>;

/**
 * Creates a typed client of Freshchat's agent-status API. Paths, parameters, bodies and answers (including the
 * `Error` body of a failed call) are typed from the OpenAPI document.
 *
 * @example
 * // Against the real API
 * const freshchat = createFreshchatClient({ baseUrl: 'https://mercasto.freshchat.com/v2', token });
 * const { data, error } = await freshchat.GET('/agents/status');
 *
 * @example
 * // In-process against the sandbox: no port, no network
 * const mock = createMockServer();
 * const freshchat = createFreshchatClient({
 *   baseUrl: 'http://sandbox.test/v2',
 *   token: 'sandbox-token',
 *   fetch: (req) => mock.app.fetch(req),
 * });
 * await freshchat.PATCH('/agents/{agent_id}', {
 *   params: { path: { agent_id: 'afd5102c-5443-4fe3-a069-4fe25189a0a1' } },
 *   body: { agent_status: { id: 'ea0ab820-e97c-47f5-8443-7bd362adc393' } },
 * });
 */
export function createFreshchatClient(options: FreshchatClientOptions): FreshchatClient {
  const { baseUrl = FRESHCHAT_BASE_URL, token, fetch, headers } = options;
  return createClient<paths>({
    baseUrl,
    headers: bearerHeaders(token, headers, 'createFreshchatClient'),
    fetch: fetch && toRequestFetch(fetch),
  });
}

/**
 * Headers carrying `Authorization: Bearer <token>` over the caller's own. Set once on the client rather than by a
 * middleware, so a single request can still override it.
 */
export function bearerHeaders(token: string, headers: RequestInit['headers'], caller: string): Headers {
  if (typeof token !== 'string' || token.trim() === '') {
    throw new TypeError(`${caller}: token is required`);
  }
  const merged = new Headers(headers);
  merged.set('Authorization', `Bearer ${token}`);
  return merged;
}

/** openapi-fetch calls `fetch(request, init)`; the caller's function gets the `Request` alone, as its type says. */
export function toRequestFetch(fetch: FetchLike): FetchLike {
  return (request) => fetch(request);
}
