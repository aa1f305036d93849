/**
 * The mutator orval's generated functions call for every request: it joins the path to the sandbox's base URL, adds
 * the token, and answers in the shape orval's fetch client declares, `{ data, status, headers }`.
 */

let sandbox = { origin: 'http://127.0.0.1:4010', token: 'sandbox-token' };

/**
 * Points both generated clients at a sandbox.
 *
 * @example
 * useSandbox({ origin: 'http://127.0.0.1:4010', token: 'sandbox-token' });
 */
export function useSandbox(options: { origin: string; token: string }): void {
  sandbox = options;
}

async function call<T>(base: string, url: string, init: RequestInit): Promise<T> {
  const headers = new Headers(init.headers);
  headers.set('Authorization', `Bearer ${sandbox.token}`);
  const response = await fetch(`${base}${url}`, { ...init, headers });
  const text = await response.text();
  const isJson = response.headers.get('content-type')?.includes('json') ?? false;
  const data = text === '' ? undefined : isJson ? JSON.parse(text) : text;
  return { data, status: response.status, headers: response.headers } as T;
}

/**
 * Freshchat's API, under `/v2`.
 *
 * @example
 * await freshchatFetch('/agents/status', { method: 'GET' });
 */
export const freshchatFetch = <T>(url: string, init: RequestInit): Promise<T> =>
  call(`${sandbox.origin}/v2`, url, init);

/**
 * The control API, at the origin.
 *
 * @example
 * await controlFetch('/_mock/clock', { method: 'GET' });
 */
export const controlFetch = <T>(url: string, init: RequestInit): Promise<T> => call(sandbox.origin, url, init);
