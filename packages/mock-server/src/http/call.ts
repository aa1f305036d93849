/**
 * One request to one operation as the request path carries it: the plan its route was given once, the Hono context,
 * the Node request behind it (read directly where that is cheaper), what the steps of `handleRequest` found, and its
 * JSON body, read within the operation's limit.
 */
import type { Context } from 'hono';
import type { Account, RateWindowName } from '../domain/accounts/account.js';
import { DomainError } from '../domain/domain-error.js';
import type { Sandbox } from '../domain/sandbox.js';
import type { OperationRoute } from '../generated/documents.js';
import type { OperationValidators } from '../generated/validators.js';
import { type HttpDate, RequestRefusal } from './answer.js';
import type { OperationHandler, OperationId } from './operation-types.js';

/** Body size limits, in bytes. */
export type BodyLimits = { freshchat: number; control: number };

/** What every operation route shares. */
type RouteContext = {
  sandbox: Sandbox;
  bodyLimits: BodyLimits;
  /** Next journal id; shared by all routes so ids rise across the whole sandbox. */
  journalSeq: { next: number };
  /** The answers' `Date`, on the virtual clock. */
  date: HttpDate;
};

/** What every call of one operation shares, worked out once when the route is made. */
export type CallPlan = {
  route: OperationRoute;
  handler: OperationHandler<OperationId>;
  ctx: RouteContext;
  validators: OperationValidators;
  isFreshchat: boolean;
  /** The account's rate window a Freshchat operation's `X-RateLimit-*` describe. */
  rateWindow: RateWindowName;
  bodyLimit: number;
};

/**
 * One request to one operation: what the steps find out and the journal keeps. A class with every field set in its
 * constructor, and no closures over the request, so that a request's objects die young (bench/NOTES.md, "Request
 * path").
 */
export class Call {
  readonly started = performance.now();
  /** Clock time when the request came in. */
  readonly at: number;
  /** The authenticated account; none for the operations without security. */
  account: Account | undefined = undefined;
  /** Whether the token is the admin token. */
  admin = false;
  /** Whether a `drop_connection` fault drops the connection instead of answering. */
  dropped = false;
  /** The body as received, for the journal. */
  rawBody: string | undefined = undefined;
  /** The JSON answered, for the journal. */
  responseText: string | undefined = undefined;

  constructor(
    readonly plan: CallPlan,
    readonly c: Context,
  ) {
    this.at = plan.ctx.sandbox.clock.now();
  }
}

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

/** One decoder for every body: a whole-input `decode` keeps no state between calls. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** Deepest nesting of arrays and objects a JSON body may have; deeper bodies answer 400. */
const MAX_BODY_DEPTH = 32;

/** The most of an unwanted body read and dropped after an early answer; past it the body is cancelled. */
const MAX_DISCARDED_BYTES = 64 * 1024 * 1024;

/**
 * Reads the call's JSON body, keeps its text on the call and returns its value (`{}` for an empty optional body):
 * 413 past the operation's limit (before reading when Content-Length says so, else while reading), 415 for a body
 * that is not declared JSON, 400 for malformed or too deeply nested JSON or a missing required body.
 */
export async function readBody(call: Call): Promise<unknown> {
  const c = call.c;
  const limit = call.plan.bodyLimit;
  const type = header(c, 'content-type');
  const declared = Number(header(c, 'content-length') ?? Number.NaN);
  const tooLarge = () =>
    new RequestRefusal('too_large', 'PAYLOAD_TOO_LARGE', `body: must not be larger than ${limit} bytes`);
  const incoming = incomingOf(c);
  const request = c.req.raw;
  if (declared > limit) {
    if (incoming) discardIncoming(incoming);
    throw tooLarge();
  }
  const hasBody = incoming
    ? declared > 0 || incoming.headers['transfer-encoding'] !== undefined
    : request.body !== null && declared !== 0;
  if (hasBody && type !== undefined && !JSON_TYPE.test(type)) {
    if (incoming) discardIncoming(incoming);
    else discardRest((request.body as ReadableStream<Uint8Array>).getReader());
    throw new RequestRefusal(
      'unsupported_media_type',
      'UNSUPPORTED_MEDIA_TYPE',
      'Content-Type: must be application/json',
    );
  }
  const bytes = !hasBody
    ? new Uint8Array(0)
    : incoming
      ? await readIncoming(incoming, limit, tooLarge)
      : await readLimited(request, limit, tooLarge);
  if (bytes.length === 0) {
    if (call.plan.route.body === 'required') throw new DomainError('invalid', 'INVALID_VALUE', 'body: is required');
    return {};
  }
  if (type === undefined)
    throw new RequestRefusal(
      'unsupported_media_type',
      'UNSUPPORTED_MEDIA_TYPE',
      'Content-Type: must be application/json',
    );
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw new DomainError('invalid', 'MALFORMED_JSON', 'body: is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DomainError('invalid', 'MALFORMED_JSON', `body: malformed JSON (${(error as Error).message})`);
  }
  // Nesting deeper than the limit takes more than twice as many characters: a shorter body need not be walked.
  if (text.length > 2 * MAX_BODY_DEPTH && depthOf(value) > MAX_BODY_DEPTH) {
    throw new DomainError('invalid', 'INVALID_VALUE', `body: must not be nested deeper than ${MAX_BODY_DEPTH} levels`);
  }
  call.rawBody = text;
  return value;
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

/** The refusal of a body the client stopped sending: one line in the request log, not a stack on stderr. */
const incomplete = () =>
  new RequestRefusal(
    'incomplete_body',
    'INCOMPLETE_BODY',
    'body: the client closed the connection before sending all of it',
  );

/** Reads an in-process Request's body stream, refusing it once it passes `limit`. */
async function readLimited(request: Request, limit: number, tooLarge: () => RequestRefusal): Promise<Uint8Array> {
  const reader = (request.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read().catch(() => {
      throw incomplete();
    });
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      discardRest(reader);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

/**
 * Reads a body straight from Node's request stream: served over HTTP this spares the web ReadableStream that
 * `request.body` would build around it. Listeners, not `for await`, so that stopping early leaves the stream, and
 * the keep-alive connection, alive.
 */
function readIncoming(incoming: IncomingBody, limit: number, tooLarge: () => RequestRefusal): Promise<Uint8Array> {
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
    incoming.once('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)));
    // ECONNRESET ("aborted"): the client dropped the upload.
    incoming.once('error', () => reject(incomplete()));
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
