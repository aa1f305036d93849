// @ts-check
// The server's small JSON API, which calls Freshchat (or the sandbox) for the page.

/**
 * Calls the server's JSON API: the answer's body (`null` for a 204), or an error with the answer's message.
 * @example const { now } = await api('POST', '/api/sandbox/clock/advance', { seconds: 60 });
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
export async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return null;
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || `${response.status} ${response.statusText}`);
  return data;
}
