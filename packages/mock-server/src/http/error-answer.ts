import { DomainError, type DomainErrorKind } from '../domain/domain-error.js';
import { rateLimitHeaders } from './rate-limit-headers.js';

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
