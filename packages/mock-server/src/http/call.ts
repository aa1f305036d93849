/**
 * One request to one operation as the request path carries it: the plan its route was given once, the Hono context,
 * the Node request behind it (read directly where that is cheaper), and what the steps of `handleRequest` found.
 */
import type { Context } from 'hono';
import type { Account } from '../domain/accounts/account.js';
import type { Sandbox } from '../domain/sandbox.js';
import type { OperationRoute } from '../generated/documents.js';
import type { OperationValidators } from '../generated/validators.js';
import type { HttpDate } from './http-date.js';
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
