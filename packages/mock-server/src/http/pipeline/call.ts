import type { Context } from 'hono';
import type { Account } from '../../domain/accounts/account.js';
import type { Sandbox } from '../../domain/sandbox.js';
import type { OperationRoute } from '../../generated/documents.js';
import type { OperationValidators } from '../../generated/validators.js';
import type { HttpDate } from '../http-date.js';
import type { OperationHandler, OperationId } from '../operation-types.js';

/** Body size limits, in bytes. */
export type BodyLimits = { freshchat: number; control: number };

/** What every operation route shares. */
export type RouteContext = {
  sandbox: Sandbox;
  bodyLimits: BodyLimits;
  /** Next journal id; shared by all routes so ids rise across the whole sandbox. */
  journalSeq: { next: number };
  /** The answers' `Date`, on the virtual clock. */
  date: HttpDate;
  /**
   * Whether an answer over a socket carries its own `Content-Length` (where Node would write it). Off when a wrapper
   * (`--cors`) adds headers to the answer afterwards, which makes @hono/node-server list them all again.
   */
  exactLength: boolean;
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
 * One request to one operation: the single object each step of the pipeline reads and fills in. A class with
 * every field set in its constructor, and no closures over the request, so that a request's objects die young
 * (bench/NOTES.md, "Request path").
 */
export class Call {
  readonly started = performance.now();
  /** Clock time when the request came in. */
  readonly at: number;
  /** The authenticated account; none for the operations without security. */
  account: Account | undefined = undefined;
  /** Whether a `drop_connection` fault drops the connection instead of answering. */
  dropped = false;
  /** An injected error status, answered once an injected latency has passed. */
  pendingError: 429 | 503 | undefined = undefined;
  /** The checked path parameters. */
  path: unknown = undefined;
  /** The checked query parameters. */
  query: unknown = undefined;
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
