/**
 * What every answer is made of, whatever request it answers: Freshchat's error body for a refusal's kind (the one
 * table from kinds to statuses), the `X-RateLimit-*` headers, and the `Date` on the virtual clock. The request path
 * (`handle-request.ts`) puts them together; the 404, 405 and refused-Host answers use them too.
 */
import type { VirtualClock } from '../domain/clock/virtual-clock.js';
import { DomainError, type DomainErrorKind, type RateLimitState } from '../domain/domain-error.js';

/** Every JSON answer's content type. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Refusals that only the HTTP layer makes, before any domain call: a Host that is not the server's, a method, a body
 * size, a content type, a body the client stopped sending (its answer reaches no one; the request log shows it as a
 * 400).
 */
type RequestRefusalKind =
  | 'host_not_allowed'
  | 'method_not_allowed'
  | 'too_large'
  | 'unsupported_media_type'
  | 'incomplete_body';

/**
 * A refusal of the request itself, made by the HTTP layer; what the domain refuses is a {@link DomainError}. Both are
 * answered by {@link errorAnswer}.
 *
 * @example
 * throw new RequestRefusal('unsupported_media_type', 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type: must be application/json');
 */
export class RequestRefusal extends Error {
  constructor(
    /** What kind of refusal this is. */
    readonly kind: RequestRefusalKind,
    /** Upper-snake error code, Freshchat's `status` field. */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RequestRefusal';
  }
}

/** The one table from a refusal's kind to its HTTP status. */
const STATUS_OF: Record<DomainErrorKind | RequestRefusalKind, number> = {
  invalid: 400,
  incomplete_body: 400,
  unauthorized: 401,
  forbidden: 403,
  host_not_allowed: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
  storage_unavailable: 503,
};

/** Freshchat's error body: the HTTP status, the upper-snake code, the message. */
type FreshchatErrorBody = { code: number; status: string; message: string };

/**
 * An error answer before it is a Response: its status, Freshchat's body, and the headers besides Content-Type (named
 * in lower case, as a Headers object lists them).
 */
export type ErrorAnswer = {
  status: number;
  body: FreshchatErrorBody;
  headers: Record<string, string>;
  /** Whether the error was a refusal (a domain error or the request's), not the sandbox's own bug. */
  refused: boolean;
};

/**
 * How an error is answered: a {@link DomainError} or {@link RequestRefusal} by its kind's status, with its code and
 * message in Freshchat's body, and a `rate_limited` one with `Retry-After` and its window's `X-RateLimit-*`; anything
 * else is the sandbox's own bug, logged and answered 500 `INTERNAL_ERROR`.
 *
 * @example
 * errorAnswer(new DomainError('not_found', 'AGENT_NOT_FOUND', 'agent_id: agent not found'));
 * // { status: 404, body: { code: 404, status: 'AGENT_NOT_FOUND', message: 'agent_id: agent not found' }, … }
 */
export function errorAnswer(error: unknown): ErrorAnswer {
  if (!isRefusal(error)) {
    console.error(error);
    const message = `internal error: ${(error as Error)?.message ?? String(error)}`;
    return { status: 500, body: { code: 500, status: 'INTERNAL_ERROR', message }, headers: {}, refused: false };
  }
  const status = STATUS_OF[error.kind];
  const headers: Record<string, string> = {};
  if (error instanceof DomainError && error.retry) {
    headers['retry-after'] = String(error.retry.afterSeconds);
    rateLimitHeaders(error.retry.window, headers);
  }
  return { status, body: { code: status, status: error.code, message: error.message }, headers, refused: true };
}

/** Whether `error` is a refusal (the domain's or the request's) rather than the sandbox's own bug. */
export function isRefusal(error: unknown): error is DomainError | RequestRefusal {
  return error instanceof DomainError || error instanceof RequestRefusal;
}

/**
 * Freshchat's error body, as `errorAnswer` makes it; anything that is not a refusal is the sandbox's own bug,
 * answered 500.
 *
 * @example
 * app.notFound((c) => errorResponse(new DomainError('not_found', 'NOT_FOUND', `path: no operation at ${c.req.path}`)));
 */
export function errorResponse(error: unknown): Response {
  const answer = errorAnswer(error);
  return jsonError(answer, JSON.stringify(answer.body));
}

/**
 * An error answer, its Date set afterwards by `HttpDate.stamp`, unlike `reply`'s: the request log reads an error's
 * body from a copy (`listen`'s `onRequest`), after which @hono/node-server writes the headers from that copy, where
 * a Content-Length given here would go out in another place than it always did. Errors are rare; answers are not.
 */
export function jsonError(answer: ErrorAnswer, text: string): Response {
  return new Response(text, {
    status: answer.status,
    headers: { 'Content-Type': JSON_CONTENT_TYPE, ...answer.headers },
  });
}

/**
 * Adds the `X-RateLimit-Limit/Remaining/Reset` headers of a window's state to `headers` (Reset in unix seconds):
 * successful answers and 429s carry them alike. The names are written as a Headers object lists them (lower case),
 * so an answer built from the record goes out with the bytes it always had.
 */
export function rateLimitHeaders(state: RateLimitState, headers: Record<string, string> = {}): Record<string, string> {
  headers['x-ratelimit-limit'] = String(state.limit);
  headers['x-ratelimit-remaining'] = String(state.remaining);
  headers['x-ratelimit-reset'] = String(Math.ceil(state.resetAt / 1000));
  return headers;
}

/**
 * Marks an answer made with its `date` already among its headers, so that `stamp` leaves it alone. A property, not a
 * WeakSet: an entry per answer was 1 % of a PATCH's and a report GET's samples (bench/NOTES.md).
 */
const DATED = Symbol('dated');
type Marked = Response & { [DATED]?: true };

/**
 * The HTTP `Date` header on the virtual clock. Node's server would write real time; an answer stamped here carries
 * the clock's time instead, so a frozen sandbox's answers repeat byte for byte. The text is made once per clock-second.
 *
 * @example
 * const date = new HttpDate(clock);
 * const response = date.stamp(new Response('ok')); // Date: Tue, 01 Jan 2030 09:00:00 GMT
 */
export class HttpDate {
  private second = Number.NaN;
  private text = '';

  constructor(private readonly clock: VirtualClock) {}

  /**
   * Sets `Date` on the response (unless it has one) and returns it. An answer marked by `madeDated` is returned as
   * is: touching `response.headers` makes @hono/node-server build a Headers object for it (bench/NOTES.md).
   */
  stamp(response: Response): Response {
    if (!(response as Marked)[DATED] && !response.headers.has('Date')) response.headers.set('Date', this.now());
    return response;
  }

  /** Marks an answer whose headers already hold `date: ${now()}`, and returns it. */
  madeDated(response: Response): Response {
    (response as Marked)[DATED] = true;
    return response;
  }

  /** The clock's time as an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`). */
  now(): string {
    const second = Math.floor(this.clock.now() / 1000);
    if (second !== this.second) {
      this.second = second;
      this.text = new Date(second * 1000).toUTCString();
    }
    return this.text;
  }
}
