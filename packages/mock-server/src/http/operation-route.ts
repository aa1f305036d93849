import type { Context } from 'hono';
import type { Account } from '../domain/account.js';
import type { DurableLog } from '../domain/durable-log.js';
import type { Sandbox } from '../domain/sandbox.js';
import { SandboxError } from '../domain/sandbox-error.js';
import { storageErrorXml } from '../domain/storage-link.js';
import type { OperationRoute } from '../generated/documents.js';
import { operationValidators, type Validator } from '../generated/validators.js';
import type { OperationHandler, OperationId } from './operation-types.js';
import { describeValidationError, type InputLocation } from './validation-message.js';

/** Body size limits, in bytes. */
export type BodyLimits = { freshchat: number; control: number };

/** What every operation route shares. */
export type RouteContext = {
  sandbox: Sandbox;
  bodyLimits: BodyLimits;
  /** Next journal id; shared by all routes so ids rise across the whole sandbox. */
  journalSeq: { next: number };
  /** The durable log, when the sandbox keeps its state on disk. */
  durable?: DurableLog | undefined;
};

type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | Response;

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** Deepest nesting of arrays and objects a JSON body may have; deeper bodies answer 400. */
export const MAX_BODY_DEPTH = 32;

/**
 * Thrown to make the connection drop without an answer (a `drop_connection` fault). The app's error handler lets it
 * through, so `app.fetch` rejects in-process; on a socket, the socket is destroyed first.
 */
export class ConnectionDropped extends Error {
  constructor() {
    super('connection dropped (injected fault)');
    this.name = 'ConnectionDropped';
  }
}

/**
 * The Hono handler of one operation: authentication, faults and rate limits for Freshchat operations, inputs
 * checked with the validators compiled from the spec, the typed handler, errors in Freshchat's shape, and the
 * journal entry.
 */
export function operationRoute(route: OperationRoute, handler: OperationHandler<OperationId>, ctx: RouteContext) {
  const validators = operationValidators[route.operationId] ?? {};
  const isFreshchat = route.document === 'freshchat';
  const bodyLimit = isFreshchat ? ctx.bodyLimits.freshchat : ctx.bodyLimits.control;
  return async (c: Context): Promise<Response> => {
    const started = performance.now();
    const at = ctx.sandbox.clock.now();
    let account: Account | undefined;
    let response: Response;
    let faulted = false;
    let dropped = false;
    let ids: string[] = [];
    let rawBody: string | undefined;
    let handledAt = at;
    const durable = ctx.durable;
    const replaying = durable?.replaying ?? false;
    try {
      if (route.auth) account = authenticate(ctx.sandbox, header(c, 'authorization'));
      if (isFreshchat && account) {
        const latency = account.faults.take('latency', route.operationId);
        const drop = account.faults.take('drop_connection', route.operationId);
        const error = drop ? undefined : account.faults.take('error', route.operationId);
        faulted = latency !== undefined || error !== undefined || drop !== undefined;
        // Replays skip the waiting: the answer it delayed was given long ago.
        if (latency?.ms && !replaying) await new Promise((resolve) => setTimeout(resolve, latency.ms));
        if (drop && !replaying) {
          incomingOf(c)?.socket?.destroy();
          dropped = true;
        }
        if (error?.status === 429) throw rateLimited(1, 'too many requests (injected fault)');
        if (error)
          throw new SandboxError(503, 'SERVICE_UNAVAILABLE', 'service temporarily unavailable (injected fault)');
      }
      if (isFreshchat && account && !account.requestWindow.take(at)) {
        throw rateLimited(account.requestWindow.retryAfterSeconds(at), 'too many requests in this minute');
      }
      // Only what the operation declares is parsed: most requests have no query string to read.
      const path = validators.path ? checked(validators.path, { ...c.req.param() }, 'path') : {};
      const query = validators.query ? checked(validators.query, firstValues(c.req.queries()), 'query') : {};
      const read =
        route.body === 'none'
          ? undefined
          : await readBody(
              incomingOf(c) ?? c.req.raw,
              header(c, 'content-length'),
              header(c, 'content-type'),
              route.body === 'required',
              bodyLimit,
            );
      const body = read?.value;
      rawBody = read?.text;
      if (body !== undefined) checked(validators.body, body, 'body');
      durable?.beginCapture();
      handledAt = ctx.sandbox.clock.now();
      const result = handler(new HandlerInput(account, ctx.sandbox, path, query, body, c) as never);
      // No await between the capture and the log entry when the handler answers at once (they all do): another
      // request's handler would run in between, its ids would be noted as this one's and its entry logged first.
      const reply = (result instanceof Promise ? await result : result) as Reply;
      const rate =
        isFreshchat && account ? rateHeaders(account, route.operationId, ctx.sandbox.clock.now()) : undefined;
      response = toResponse(reply, rate);
    } catch (error) {
      response = route.auth ? errorResponse(error) : storageError(error);
    } finally {
      ids = durable?.endCapture() ?? [];
    }
    // An accepted mutation, or a request that made ids or used up a fault, changed state: log it before answering.
    const mutating = c.req.method !== 'GET' && c.req.method !== 'HEAD';
    if (durable && !replaying && account && ((mutating && response.status < 400) || ids.length > 0 || faulted)) {
      durable.append({
        type: 'request',
        at: handledAt,
        realAt: handledAt - ctx.sandbox.clock.offset,
        method: c.req.method,
        path: pathAndQuery(c),
        token: account.token,
        contentType: header(c, 'content-type'),
        body: rawBody,
        ids,
      });
    }
    if (dropped) {
      account?.journal.add(journalEntry(ctx, c, route, at, started, 0));
      throw new ConnectionDropped();
    }
    if (replaying) return response;
    account?.journal.add(journalEntry(ctx, c, route, at, started, response.status));
    return response;
  };
}

/**
 * What a handler receives. A class with `origin` on its prototype rather than an object literal with a getter: the
 * literal made a closure over the request's Context on every call, and with it each request's objects outlived
 * young-generation collections (measured under load: garbage collection fell from 22 % to 3 % of the CPU profile).
 */
class HandlerInput {
  readonly #c: Context;

  constructor(
    readonly account: Account | undefined,
    readonly sandbox: Sandbox,
    readonly path: unknown,
    readonly query: unknown,
    readonly body: unknown,
    c: Context,
  ) {
    this.#c = c;
  }

  /** The origin the request came to, worked out only by the handlers that make absolute links. */
  get origin(): string {
    return new URL(this.#c.req.url).origin;
  }
}

/** The path and query of the request, as the journal and the durable log keep it. */
function pathAndQuery(c: Context): string {
  const q = c.req.url.indexOf('?');
  return c.req.path + (q >= 0 ? c.req.url.slice(q) : '');
}

function journalEntry(
  ctx: RouteContext,
  c: Context,
  route: OperationRoute,
  at: number,
  started: number,
  status: number,
) {
  return {
    id: ctx.journalSeq.next++,
    at,
    method: c.req.method,
    path: pathAndQuery(c),
    operation: route.operationId,
    status,
    duration_ms: Math.round((performance.now() - started) * 1000) / 1000,
  };
}

/**
 * A request header. Served by @hono/node-server, Node has already parsed the headers: reading them there spares
 * building a Headers object for every request. In-process, the Request's own headers.
 */
function header(c: Context, name: string): string | undefined {
  const incoming = incomingOf(c);
  if (incoming) {
    const value = incoming.headers[name];
    return Array.isArray(value) ? value[0] : value;
  }
  return c.req.header(name) ?? undefined;
}

function authenticate(sandbox: Sandbox, header: string | undefined): Account {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) throw new SandboxError(401, 'UNAUTHORIZED', 'Authorization: a bearer token is required');
  const account = sandbox.authenticate(match[1] as string);
  if (!account) throw new SandboxError(401, 'UNAUTHORIZED', 'Authorization: the token is not valid');
  return account;
}

function rateLimited(retryAfter: number, message: string): SandboxError {
  return new SandboxError(429, 'TOO_MANY_REQUESTS', `${message}; retry after ${retryAfter} seconds`, {
    'Retry-After': String(retryAfter),
  });
}

function rateHeaders(account: Account, operationId: string, now: number): Record<string, string> {
  // The report request's own limit (one per minute) is what a client of that operation needs to see.
  const window = operationId === 'requestRawReport' ? account.reportWindow : account.requestWindow;
  const state = window.state(now);
  return {
    'X-RateLimit-Limit': String(state.limit),
    'X-RateLimit-Remaining': String(state.remaining),
    'X-RateLimit-Reset': String(Math.ceil(state.resetAt / 1000)),
  };
}

function checked<T>(validator: Validator | undefined, value: T, location: InputLocation): T {
  if (validator && !validator(value)) {
    throw new SandboxError(400, 'INVALID_VALUE', describeValidationError(validator.errors, location));
  }
  return value;
}

/** Query values arrive as lists; the spec's query parameters are all single-valued. */
function firstValues(queries: Record<string, string[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, values] of Object.entries(queries)) if (values[0] !== undefined) out[key] = values[0];
  return out;
}

/**
 * Reads a JSON body: 413 past the limit (before reading when Content-Length says so, else while reading), 415 for
 * a body that is not declared JSON, 400 for malformed JSON or a missing required body.
 */
async function readBody(
  source: Request | IncomingBody,
  contentLength: string | undefined,
  type: string | undefined,
  required: boolean,
  limit: number,
): Promise<{ value: unknown; text: string | undefined }> {
  const declared = Number(contentLength ?? Number.NaN);
  const tooLarge = () => new SandboxError(413, 'PAYLOAD_TOO_LARGE', `body: must not be larger than ${limit} bytes`);
  const incoming = source instanceof Request ? undefined : source;
  if (declared > limit) {
    if (incoming) discardIncoming(incoming);
    throw tooLarge();
  }
  const hasBody = incoming
    ? declared > 0 || incoming.headers['transfer-encoding'] !== undefined
    : (source as Request).body !== null && declared !== 0;
  if (hasBody && type !== undefined && !JSON_TYPE.test(type)) {
    if (incoming) discardIncoming(incoming);
    else discardRest(((source as Request).body as ReadableStream<Uint8Array>).getReader());
    throw new SandboxError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type: must be application/json');
  }
  const bytes = !hasBody
    ? new Uint8Array(0)
    : incoming
      ? await readIncoming(incoming, limit, tooLarge)
      : await readLimited(source as Request, limit, tooLarge);
  if (bytes.length === 0) {
    if (required) throw new SandboxError(400, 'INVALID_VALUE', 'body: is required');
    return { value: {}, text: undefined };
  }
  if (type === undefined)
    throw new SandboxError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type: must be application/json');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new SandboxError(400, 'MALFORMED_JSON', 'body: is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SandboxError(400, 'MALFORMED_JSON', `body: malformed JSON (${(error as Error).message})`);
  }
  if (depthOf(value) > MAX_BODY_DEPTH) {
    throw new SandboxError(400, 'INVALID_VALUE', `body: must not be nested deeper than ${MAX_BODY_DEPTH} levels`);
  }
  return { value, text };
}

/** Nesting depth of a parsed JSON value, walked without recursion so no body can exhaust the stack. */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (node === null || typeof node !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > MAX_BODY_DEPTH) return deepest;
    for (const child of Object.values(node))
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return deepest;
}

async function readLimited(request: Request, limit: number, tooLarge: () => SandboxError): Promise<Uint8Array> {
  const reader = (request.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      discardRest(reader);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** The request as Node received it, when @hono/node-server serves the app (not in-process). */
type IncomingBody = {
  headers: Record<string, string | string[] | undefined>;
  socket?: { destroy(): void } | null;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  off(event: 'data', listener: (chunk: Buffer) => void): unknown;
  once(event: 'end' | 'error', listener: (error?: Error) => void): unknown;
  resume(): unknown;
  destroy(): unknown;
};

function incomingOf(c: Context): IncomingBody | undefined {
  return (c.env as { incoming?: IncomingBody } | undefined)?.incoming;
}

/**
 * Reads a body straight from Node's request stream: served over HTTP this spares the web ReadableStream that
 * `request.body` would build around it. Listeners, not `for await`, so that stopping early leaves the stream, and
 * the keep-alive connection, alive.
 */
function readIncoming(incoming: IncomingBody, limit: number, tooLarge: () => SandboxError): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        incoming.off('data', onData);
        discardIncoming(incoming);
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    incoming.on('data', onData);
    incoming.once('end', () => resolve(Buffer.concat(chunks, size)));
    incoming.once('error', (error) => reject(error));
  });
}

/** Lets Node read and drop the rest of an unwanted body (up to MAX_DISCARDED_BYTES) so the connection stays usable. */
function discardIncoming(incoming: IncomingBody): void {
  let discarded = 0;
  const count = (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > MAX_DISCARDED_BYTES) {
      incoming.off('data', count);
      incoming.destroy();
    }
  };
  incoming.on('data', count);
  incoming.resume();
}

/** The most of an unwanted body read and dropped after an early answer; past it the body is cancelled. */
const MAX_DISCARDED_BYTES = 64 * 1024 * 1024;

/**
 * Reads the rest of a body that an early answer (413, 415) leaves unread, and drops it, off the answer's path: a
 * keep-alive connection then carries the next request. Once a body stream is made, @hono/node-server's own
 * draining cannot move it (the stream holds the socket paused), and the connection would be cut half a second later.
 */
function discardRest(reader: ReadableStreamDefaultReader<Uint8Array>): void {
  void (async () => {
    let discarded = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        discarded += value.byteLength;
        if (discarded > MAX_DISCARDED_BYTES) return void (await reader.cancel());
      }
    } catch {
      // The client went away: nothing left to read.
    }
  })();
}

/**
 * Headers go in when the Response is made: @hono/node-server writes such a Response straight from what it was
 * built with, while touching `response.headers` afterwards makes it build a full Headers object first.
 */
function toResponse(reply: Reply, extra: Record<string, string> | undefined): Response {
  if (reply instanceof Response) {
    if (extra) for (const [name, value] of Object.entries(extra)) reply.headers.set(name, value);
    return reply;
  }
  if (reply.body === undefined)
    return new Response(null, { status: reply.status, headers: { ...reply.headers, ...extra } });
  return new Response(JSON.stringify(reply.body), {
    status: reply.status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...reply.headers, ...extra },
  });
}

/** Freshchat's error body; anything that is not a SandboxError is the sandbox's own bug, answered 500. */
export function errorResponse(error: unknown): Response {
  const known =
    error instanceof SandboxError
      ? error
      : new SandboxError(500, 'INTERNAL_ERROR', `internal error: ${(error as Error)?.message ?? String(error)}`);
  if (!(error instanceof SandboxError)) console.error(error);
  return new Response(JSON.stringify(known.toBody()), {
    status: known.status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...known.headers },
  });
}

/** The storage stand-in answers every refusal as the storage service does: 403 with an XML body. */
function storageError(error: unknown): Response {
  if (!(error instanceof SandboxError)) return errorResponse(error);
  return new Response(storageErrorXml({ code: 'AccessDenied', message: 'Access Denied' }), {
    status: 403,
    headers: { 'Content-Type': 'application/xml' },
  });
}
