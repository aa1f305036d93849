import type { Context } from 'hono';

/** The request as Node received it, when @hono/node-server serves the app (not in-process). */
export type IncomingBody = {
  method?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  socket?: { destroy(): void } | null;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  off(event: 'data', listener: (chunk: Buffer) => void): unknown;
  once(event: 'end' | 'error', listener: (error?: Error) => void): unknown;
  resume(): unknown;
  destroy(): unknown;
};

/** Node's request behind a Hono context, when @hono/node-server serves the app; undefined in-process. */
export function incomingOf(c: Context): IncomingBody | undefined {
  return (c.env as { incoming?: IncomingBody } | undefined)?.incoming;
}

/**
 * A request header. Served by @hono/node-server, Node has already parsed the headers: reading them there spares
 * building a Headers object for every request. In-process, the Request's own headers.
 */
export function header(c: Context, name: string): string | undefined {
  const incoming = incomingOf(c);
  if (incoming) {
    const value = incoming.headers[name];
    return Array.isArray(value) ? value[0] : value;
  }
  return c.req.header(name) ?? undefined;
}

/** The path and query of the request, as the journal and the durable log keep it. */
export function pathAndQuery(c: Context): string {
  const q = c.req.url.indexOf('?');
  return c.req.path + (q >= 0 ? c.req.url.slice(q) : '');
}
