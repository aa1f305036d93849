import type { Context } from 'hono';
import type { DurableLog } from '../adapters/durable-log.js';
import type { Account } from '../domain/account.js';
import { type RateLimitState, type RateWindow, rateLimitHeaders } from '../domain/rate-window.js';
import { clipBody } from '../domain/request-journal.js';
import type { Sandbox } from '../domain/sandbox.js';
import { SandboxError } from '../domain/sandbox-error.js';
import type { OperationRoute } from '../generated/documents.js';
import { type OperationValidators, operationValidators, type Validator } from '../generated/validators.js';
import type { OperationHandler, OperationId } from './operation-types.js';
import { storageErrorXml } from './storage-error.js';
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

type Reply = { status: number; body?: unknown; headers?: Record<string, string>; json?: string } | Response;

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
 * journal entry. It answers synchronously unless it has to wait (a body to read, an injected latency, a handler
 * that returns a promise): @hono/node-server then writes the answer at once, without a round of promises.
 */
export function operationRoute(route: OperationRoute, handler: OperationHandler<OperationId>, ctx: RouteContext) {
  const plan: CallPlan = {
    route,
    handler,
    ctx,
    validators: operationValidators[route.operationId] ?? {},
    isFreshchat: route.document === 'freshchat',
    bodyLimit: route.document === 'freshchat' ? ctx.bodyLimits.freshchat : ctx.bodyLimits.control,
  };
  return (c: Context): Response | Promise<Response> => new OperationCall(plan, c).run();
}

/** What every call of one operation shares. */
type CallPlan = {
  route: OperationRoute;
  handler: OperationHandler<OperationId>;
  ctx: RouteContext;
  validators: OperationValidators;
  isFreshchat: boolean;
  bodyLimit: number;
};

/**
 * One request to one operation, step by step. A class rather than closures: closures over the request made in every
 * call kept each request's objects alive past young-generation collections (measured under load: garbage collection
 * fell from 22 % to 3 % of the CPU profile once the last one went).
 */
class OperationCall {
  private readonly started = performance.now();
  private readonly at: number;
  private readonly replaying: boolean;
  private account: Account | undefined;
  private faulted = false;
  private dropped = false;
  private handledAt: number;
  private rawBody: string | undefined;
  /** The JSON answered, for the journal. */
  private responseText: string | undefined;
  private ids: string[] = [];
  /** An injected error status, answered once an injected latency has passed. */
  private pendingError: 429 | 503 | undefined;

  constructor(
    private readonly plan: CallPlan,
    private readonly c: Context,
  ) {
    this.at = plan.ctx.sandbox.clock.now();
    this.handledAt = this.at;
    this.replaying = plan.ctx.durable?.replaying ?? false;
  }

  run(): Response | Promise<Response> {
    let latency: number;
    try {
      latency = this.admit();
    } catch (error) {
      return this.finish(this.refusal(error));
    }
    // Replays skip the waiting: the answer it delayed was given long ago.
    if (latency > 0 && !this.replaying) return this.afterLatency(latency);
    return this.afterAdmission();
  }

  /** Authentication and the faults this request takes; returns the latency to inject, in ms (0 for none). */
  private admit(): number {
    const { route, ctx, isFreshchat } = this.plan;
    if (route.auth) this.account = authenticate(ctx.sandbox, header(this.c, 'authorization'));
    const account = this.account;
    if (!isFreshchat || !account) return 0;
    const latency = account.faults.take('latency', route.operationId);
    const drop = account.faults.take('drop_connection', route.operationId);
    const error = drop ? undefined : account.faults.take('error', route.operationId);
    this.faulted = latency !== undefined || error !== undefined || drop !== undefined;
    if (drop && !this.replaying) this.dropped = true;
    if (error) this.pendingError = error.status === 429 ? 429 : 503;
    return latency?.ms ?? 0;
  }

  private async afterLatency(ms: number): Promise<Response> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return this.afterAdmission();
  }

  /** Faults that answer, the rate limit, path and query; then the body, read if the operation has one. */
  private afterAdmission(): Response | Promise<Response> {
    const { route, validators, isFreshchat } = this.plan;
    const account = this.account;
    let path: unknown;
    let query: unknown;
    try {
      if (this.dropped) incomingOf(this.c)?.socket?.destroy();
      if (this.pendingError === 429) {
        // An injected 429 says the window is spent for a second, as its Retry-After does.
        const { limit } = rateWindowOf(account as Account, route.operationId);
        throw rateLimited({ limit, remaining: 0, resetAt: this.at + 1000 }, 1, 'too many requests (injected fault)');
      }
      if (this.pendingError === 503)
        throw new SandboxError(503, 'SERVICE_UNAVAILABLE', 'service temporarily unavailable (injected fault)');
      // A replay counts the request but never refuses it: it was accepted, maybe under a higher --rate-limit.
      if (isFreshchat && account && !account.requestWindow.take(this.at) && !this.replaying) {
        throw rateLimited(
          account.requestWindow.state(this.at),
          account.requestWindow.retryAfterSeconds(this.at),
          'too many requests in this minute',
        );
      }
      // Only what the operation declares is parsed: most requests have no query string to read.
      path = validators.path ? checked(validators.path, { ...this.c.req.param() }, 'path') : {};
      query = validators.query ? checked(validators.query, firstValues(this.c.req.queries()), 'query') : {};
    } catch (error) {
      return this.finish(this.refusal(error));
    }
    // Outside the try: `finish` throws to drop a connection, and must run once.
    return route.body === 'none' ? this.answer(path, query, undefined) : this.readThenAnswer(path, query);
  }

  private async readThenAnswer(path: unknown, query: unknown): Promise<Response> {
    const c = this.c;
    let read: { value: unknown; text: string | undefined };
    try {
      read = await readBody(
        incomingOf(c) ?? c.req.raw,
        header(c, 'content-length'),
        header(c, 'content-type'),
        this.plan.route.body === 'required',
        this.plan.bodyLimit,
      );
    } catch (error) {
      return this.finish(this.refusal(error));
    }
    this.rawBody = read.text;
    return this.answer(path, query, read.value);
  }

  /** The body checked, the handler run, its reply made a Response with the rate-limit headers. */
  private answer(path: unknown, query: unknown, body: unknown): Response | Promise<Response> {
    const { ctx, validators, handler } = this.plan;
    const durable = ctx.durable;
    let result: ReturnType<OperationHandler<OperationId>>;
    try {
      if (body !== undefined) checked(validators.body, body, 'body');
      durable?.beginCapture();
      this.handledAt = ctx.sandbox.clock.now();
      result = handler(new HandlerInput(this.account, ctx.sandbox, path, query, body, this.c) as never);
    } catch (error) {
      this.ids = durable?.endCapture() ?? [];
      return this.finish(this.refusal(error));
    }
    // Every handler answers at once today. One that returned a promise would let other requests run before its
    // ids are noted, so their ids would be counted as its own: the durable log would replay them wrongly.
    if (result instanceof Promise) return this.settle(result);
    this.ids = durable?.endCapture() ?? [];
    let response: Response;
    try {
      response = this.reply(result as Reply);
    } catch (error) {
      response = this.refusal(error);
    }
    return this.finish(response);
  }

  private async settle(result: Promise<unknown>): Promise<Response> {
    let response: Response;
    try {
      response = this.reply((await result) as Reply);
    } catch (error) {
      response = this.refusal(error);
    }
    this.ids = this.plan.ctx.durable?.endCapture() ?? [];
    return this.finish(response);
  }

  private reply(reply: Reply): Response {
    const { route, ctx, isFreshchat } = this.plan;
    const account = this.account;
    const rate =
      isFreshchat && account ? rateWindowOf(account, route.operationId).state(ctx.sandbox.clock.now()) : undefined;
    if (reply instanceof Response) return toResponse(reply, null, rate);
    const text = reply.body === undefined ? null : (reply.json ?? JSON.stringify(reply.body));
    if (text !== null) this.responseText = text;
    return toResponse(reply, text, rate);
  }

  private refusal(error: unknown): Response {
    if (!this.plan.route.auth) return storageError(error);
    if (error instanceof SandboxError) this.responseText = JSON.stringify(error.toBody());
    return errorResponse(error);
  }

  /** Logs a request that changed state, before answering; journals it; drops the connection if a fault said so. */
  private finish(response: Response): Response {
    const { ctx } = this.plan;
    const { c, account, ids } = this;
    const durable = ctx.durable;
    // An accepted mutation, or a request that made ids or used up a fault, changed state.
    const mutating = c.req.method !== 'GET' && c.req.method !== 'HEAD';
    if (
      durable &&
      !this.replaying &&
      account &&
      ((mutating && response.status < 400) || ids.length > 0 || this.faulted)
    ) {
      durable.append({
        type: 'request',
        at: this.handledAt,
        realAt: this.handledAt - ctx.sandbox.clock.offset,
        method: c.req.method,
        path: pathAndQuery(c),
        token: account.token,
        contentType: header(c, 'content-type'),
        body: this.rawBody,
        ids,
        op: this.plan.route.operationId,
        ...(this.faulted ? { faulted: true } : {}),
        ...(ctx.sandbox.clock.frozen ? { frozen: true } : {}),
      });
    }
    if (this.dropped) {
      account?.journal.add(this.journalEntry(0));
      throw new ConnectionDropped();
    }
    if (!this.replaying) account?.journal.add(this.journalEntry(response.status));
    return response;
  }

  private journalEntry(status: number) {
    const { c, plan } = this;
    return {
      id: plan.ctx.journalSeq.next++,
      at: this.at,
      method: c.req.method,
      path: pathAndQuery(c),
      operation: plan.route.operationId,
      status,
      duration_ms: Math.round((performance.now() - this.started) * 1000) / 1000,
      request_body: clipBody(this.rawBody),
      response_body: clipBody(this.responseText),
    };
  }
}

/**
 * What a handler receives. A class with `origin` on its prototype, not an object literal with a getter: see
 * `OperationCall` on closures over the request.
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

/** A 429 with `Retry-After` and the `X-RateLimit-*` headers of the window that refused the request. */
function rateLimited(window: RateLimitState, retryAfter: number, message: string): SandboxError {
  return new SandboxError(
    429,
    'TOO_MANY_REQUESTS',
    `${message}; retry after ${retryAfter} seconds`,
    rateLimitHeaders(window, { 'Retry-After': String(retryAfter) }),
  );
}

/** The rate window whose state a client of this operation needs to see. */
function rateWindowOf(account: Account, operationId: string): RateWindow {
  // The report request's own limit (one per minute) is what a client of that operation needs to see.
  return operationId === 'requestRawReport' ? account.reportWindow : account.requestWindow;
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
 * built with, while touching `response.headers` afterwards makes it build a full Headers object first. They are set
 * one by one rather than spread: spreading objects was the largest cost left in a GET's profile.
 */
function toResponse(reply: Reply, text: string | null, rate: RateLimitState | undefined): Response {
  if (reply instanceof Response) {
    if (rate) for (const [name, value] of Object.entries(rateLimitHeaders(rate))) reply.headers.set(name, value);
    return reply;
  }
  const headers: Record<string, string> = {};
  if (reply.body !== undefined) headers['Content-Type'] = 'application/json; charset=utf-8';
  if (reply.headers) for (const name in reply.headers) headers[name] = reply.headers[name] as string;
  if (rate) rateLimitHeaders(rate, headers);
  return new Response(text, { status: reply.status, headers });
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
