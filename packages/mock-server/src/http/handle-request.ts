import type { Context } from 'hono';
import type { Account } from '../domain/accounts/account.js';
import { tooManyRequests } from '../domain/accounts/rate-window.js';
import { clipBody } from '../domain/accounts/request-journal.js';
import { DomainError } from '../domain/domain-error.js';
import { takeRequestFaults } from '../domain/events/account-commands.js';
import type { Sandbox } from '../domain/sandbox.js';
import type { Validator } from '../generated/validators.js';
import { errorAnswer, errorResponse, isRefusal, JSON_CONTENT_TYPE, jsonError, rateLimitHeaders } from './answer.js';
import { Call, type CallPlan, header, incomingOf, pathAndQuery, readBody } from './call.js';
import { storageRefusal } from './storage-error.js';
import { describeValidationError, type InputLocation } from './validation-message.js';

/** A handler's reply, as the pipeline sees it: status, body and headers, or a ready Response. */
type Reply = { status: number; body?: unknown; headers?: Record<string, string>; json?: string } | Response;

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
 * The Hono handler of one operation's route: each request becomes a {@link Call} on the route's plan, answered by
 * {@link handleRequest}.
 *
 * @example
 * app.on(route.method, path, operationHandler(plan));
 */
export function operationHandler(plan: CallPlan): (c: Context) => Response | Promise<Response> {
  return (c) => handleRequest(new Call(plan, c));
}

/**
 * One request to one operation, from the moment Hono routed it: authenticate, admit (faults, the rate limit), parse
 * and validate the path and query, read and validate the body, ask the domain through the operation's handler,
 * answer. Every refusal on the way, whatever step raised it, leaves by one exit: `refusal` (Freshchat's error body,
 * or the storage service's XML). Then the journal takes the call.
 *
 * The steps are written top to bottom in `requestSteps`, which yields only where it must wait (an injected latency,
 * a body, a group commit): a request with nothing to wait for is answered synchronously, and @hono/node-server then
 * writes the answer without a round of promises.
 */
function handleRequest(call: Call): Response | Promise<Response> {
  return advance(call, requestSteps(call), false, undefined);
}

/** The steps of one request, top to bottom; each `yield` waits for a promise and resumes with its value. */
function* requestSteps(call: Call): Generator<Promise<unknown>, Response, unknown> {
  const { route, ctx, validators, isFreshchat, handler } = call.plan;
  const { sandbox } = ctx;

  // 1. Authenticate: the bearer token names the account (the storage stand-in's and the health operations have none).
  // An operation that reaches every account needs the admin token.
  if (route.auth) authenticate(call, sandbox, header(call.c, 'authorization'));
  const account = call.account;

  // 2. Admit: the faults injected for this operation (latency, a dropped connection, an error), then the rate limit.
  if (isFreshchat && account && !account.faults.isEmpty) {
    let faults = takeRequestFaults(sandbox, account, route.operationId);
    if (faults instanceof Promise) faults = (yield faults) as Awaited<typeof faults>;
    const ms = faults.latency?.ms ?? 0;
    if (ms > 0) yield new Promise((resolve) => setTimeout(resolve, ms));
    if (faults.drop) {
      call.dropped = true;
      incomingOf(call.c)?.socket?.destroy();
    }
    if (faults.error?.status === 429) {
      // An injected 429 says the window is spent for a second, as its Retry-After does.
      const { limit } = account[call.plan.rateWindow];
      throw tooManyRequests({ limit, remaining: 0, resetAt: call.at + 1000 }, 1, 'too many requests (injected fault)');
    }
    if (faults.error)
      throw new DomainError('unavailable', 'SERVICE_UNAVAILABLE', 'service temporarily unavailable (injected fault)');
  }
  if (isFreshchat && account && !account.requestRateWindow.take(call.at)) {
    // The window is not kept across restarts: only what the domain's events say is.
    const window = account.requestRateWindow;
    throw tooManyRequests(window.state(call.at), window.retryAfterSeconds(call.at), 'too many requests in this minute');
  }

  // 3. Parse and validate the path and the query, with the validators generated from the spec (only what the
  // operation declares is parsed: most requests have no query string to read).
  const path = validators.path ? checked(validators.path, { ...call.c.req.param() }, 'path') : {};
  const query = validators.query ? checked(validators.query, firstValues(call.c.req.queries()), 'query') : {};

  // 4. Read, parse and validate the body, for an operation that declares one.
  let body: unknown;
  if (route.body !== 'none') {
    body = yield readBody(call);
    checked(validators.body, body, 'body');
  }

  // 5. Ask the domain: the operation's handler translates the inputs into a query or a command, and its result into
  // a reply. A write's answer waits only when the sink made its events wait (a group commit).
  let result: unknown = handler(new HandlerInput(account, call.admin, sandbox, path, query, body, call.c) as never);
  if (result instanceof Promise) result = yield result;

  // 6. Answer.
  return reply(call, result);
}

/**
 * Runs the steps from where they stopped: synchronously until they wait for a promise, then again once it settles.
 * A step that throws, or a promise that rejects, ends the request at the one refusal exit.
 */
function advance(
  call: Call,
  steps: Generator<Promise<unknown>, Response, unknown>,
  failed: boolean,
  sent: unknown,
): Response | Promise<Response> {
  let step: IteratorResult<Promise<unknown>, Response>;
  try {
    step = failed ? steps.throw(sent) : steps.next(sent);
  } catch (error) {
    return record(call, refusal(call, error));
  }
  if (step.done) return record(call, step.value);
  return step.value.then(
    (value) => advance(call, steps, false, value),
    (error) => advance(call, steps, true, error),
  );
}

/**
 * The last step: journals the call (its answer's status, 0 for a dropped connection), then answers, or drops the
 * connection by throwing `ConnectionDropped` if a fault said so. (What the call changed was kept before it was
 * applied: see `Commands.execute`.)
 */
function record(call: Call, response: Response): Response {
  call.account?.journal.add({
    id: call.plan.ctx.journalSeq.next++,
    at: call.at,
    method: call.c.req.method,
    path: pathAndQuery(call.c),
    operation: call.plan.route.operationId,
    status: call.dropped ? 0 : response.status,
    duration_ms: Math.round((performance.now() - call.started) * 1000) / 1000,
    request_body: clipBody(call.rawBody),
    response_body: clipBody(call.responseText),
  });
  if (call.dropped) throw new ConnectionDropped();
  return response;
}

/**
 * A handler's reply made a Response, with the `X-RateLimit-*` headers of a Freshchat operation; the JSON answered
 * is kept on the call for the journal.
 */
function reply(call: Call, result: unknown): Response {
  const { ctx, isFreshchat, rateWindow } = call.plan;
  const account = call.account;
  const rate = isFreshchat && account ? account[rateWindow].state(ctx.sandbox.clock.now()) : undefined;
  const given = result as Reply;
  if (given instanceof Response) {
    if (rate) for (const [name, value] of Object.entries(rateLimitHeaders(rate))) given.headers.set(name, value);
    return given;
  }
  const text = given.body === undefined ? null : (given.json ?? JSON.stringify(given.body));
  if (text !== null) call.responseText = text;
  const headers: Record<string, string> = {};
  if (text !== null) headers['content-type'] = JSON_CONTENT_TYPE;
  headers.date = ctx.date.now();
  if (rate) rateLimitHeaders(rate, headers);
  return dated(call, given.status, text, given.headers ? listedOrder(headers, given.headers) : headers);
}

/**
 * A refusal of the call: Freshchat's error body (its JSON kept on the call for the journal), or the storage
 * service's XML for the storage stand-in's operations (those without security).
 */
function refusal(call: Call, error: unknown): Response {
  if (!call.plan.route.auth) return storageError(error);
  const answer = errorAnswer(error);
  const text = JSON.stringify(answer.body);
  if (answer.refused) call.responseText = text;
  return jsonError(answer, text);
}

/** The storage stand-in answers every refusal as the storage service does: 403 with an XML body. */
function storageError(error: unknown): Response {
  if (!isRefusal(error)) return errorResponse(error);
  return storageRefusal({ code: 'AccessDenied', message: 'Access Denied' });
}

/**
 * The Response of an answer made here, its headers given when it is made and marked as dated: @hono/node-server
 * then writes it straight from this record, while touching `response.headers` afterwards would make it build a
 * Headers object and turn it back into a record (bench/NOTES.md). The record lists the headers as that Headers
 * object did (lower case, in order), and over a socket ends with `Content-Length`, where Node wrote it before, so
 * the bytes on the wire are the same.
 */
function dated(call: Call, status: number, text: string | null, headers: Record<string, string>): Response {
  const { ctx } = call.plan;
  const incoming = incomingOf(call.c);
  if (text !== null && incoming && incoming.method !== 'HEAD')
    headers['Content-Length'] = String(Buffer.byteLength(text));
  return ctx.date.madeDated(new Response(text, { status, headers }));
}

/** `headers` and `more` in one record, named and ordered as a Headers object lists them (lower case, sorted). */
function listedOrder(headers: Record<string, string>, more: Record<string, string>): Record<string, string> {
  const all: Record<string, string> = { ...headers };
  for (const name in more) all[name.toLowerCase()] = more[name] as string;
  const out: Record<string, string> = {};
  for (const name of Object.keys(all).sort()) out[name] = all[name] as string;
  return out;
}

/**
 * The token's account, and whether it is the admin token. An operation that needs the admin token refuses an
 * account's own with 403 naming it; an admin token that is no account's is taken only where the spec lists it.
 */
function authenticate(call: Call, sandbox: Sandbox, header: string | undefined): void {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) throw new DomainError('unauthorized', 'UNAUTHORIZED', 'Authorization: a bearer token is required');
  const token = match[1] as string;
  const { admin } = call.plan.route;
  call.account = sandbox.authenticate(token);
  call.admin = admin !== 'no' && sandbox.isAdminToken(token);
  if (admin === 'required' && !call.admin && call.account) {
    throw new DomainError(
      'forbidden',
      'ADMIN_TOKEN_REQUIRED',
      "Authorization: this operation reaches every account and needs the admin token (--admin-token; without it, the default account's token)",
    );
  }
  if (!call.account && !call.admin) {
    throw new DomainError('unauthorized', 'UNAUTHORIZED', 'Authorization: the token is not valid');
  }
}

/** `value`, if `validator` accepts it; `invalid`, naming the offending field, otherwise. */
function checked<T>(validator: Validator | undefined, value: T, location: InputLocation): T {
  if (validator && !validator(value)) {
    throw new DomainError('invalid', 'INVALID_VALUE', describeValidationError(validator.errors, location));
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
 * Origins by the scheme and authority a URL starts with: parsing the URL for its origin on every report GET was about
 * a sixth of the sandbox's own work on that request (bench/NOTES.md).
 */
const origins = new Map<string, string>();

/**
 * What a handler receives. A class with `origin` on its prototype, not an object literal with a getter: a getter
 * closed over the request kept every request's objects alive past young-generation collections (bench/NOTES.md).
 */
class HandlerInput {
  readonly #c: Context;

  constructor(
    readonly account: Account | undefined,
    readonly admin: boolean,
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
    const url = this.#c.req.url;
    const end = url.indexOf('/', url.indexOf('://') + 3);
    const authority = end === -1 ? url : url.slice(0, end);
    let origin = origins.get(authority);
    if (origin === undefined) {
      origin = new URL(authority).origin;
      // The Host header is the client's to choose: at most 256 kept.
      if (origins.size >= 256) origins.clear();
      origins.set(authority, origin);
    }
    return origin;
  }

  /** The request's `Authorization` header, read only by the handlers that look at it. */
  get authorization(): string | undefined {
    return header(this.#c, 'authorization');
  }
}
