// @ts-check
// Talking to the sandbox: control calls with the token, and the live feed of snapshots. EventSource cannot send an
// Authorization header, so the feed is read with fetch and its server-sent events are parsed here.

/** @typedef {import('./types.js').Snapshot} Snapshot */

/**
 * Calls the control API with the token; rejects with the error body's message on a non-2xx answer.
 * @param {string} token
 * @param {string} path
 * @param {{ method?: string, body?: unknown }} [options]
 * @returns {Promise<any>}
 */
export async function call(token, path, options = {}) {
  /** @type {Record<string, string>} */
  const headers = { Authorization: `Bearer ${token}` };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  const body = text ? JSON.parse(text) : undefined;
  if (!response.ok) throw new Error(body?.message ?? `${response.status}`);
  return body;
}

/**
 * Follows `GET /_mock/inspector/events` until `signal` aborts, reconnecting a second after the stream ends.
 * @param {string} token
 * @param {AbortSignal} signal
 * @param {(snapshot: Snapshot) => void} onSnapshot
 * @param {(state: string) => void} onState
 */
export async function follow(token, signal, onSnapshot, onState) {
  while (!signal.aborted) {
    try {
      const response = await fetch('/_mock/inspector/events', {
        headers: { Authorization: `Bearer ${token}` },
        signal,
      });
      if (response.status === 401) return onState('the token is not valid');
      if (!response.ok || !response.body) throw new Error(`${response.status}`);
      onState('live');
      await readEvents(response.body, onSnapshot);
    } catch {
      if (signal.aborted) return;
    }
    onState('reconnecting…');
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/**
 * @param {ReadableStream<Uint8Array>} body
 * @param {(snapshot: Snapshot) => void} onSnapshot
 */
async function readEvents(body, onSnapshot) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = event
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice(6))
        .join('\n');
      if (data) onSnapshot(JSON.parse(data));
      end = buffer.indexOf('\n\n');
    }
  }
}
