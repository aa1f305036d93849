/**
 * What kind of refusal a domain error is. The HTTP layer answers each kind with one status (`http/answer.ts`);
 * the domain never names a status.
 *
 * - `invalid`: bad input, naming the field;
 * - `unauthorized`: no token, or one no account holds;
 * - `forbidden`: a change the sandbox never allows (editing a built-in status);
 * - `not_found`: no such agent, status, report, subscription, delivery or fault in this account;
 * - `conflict`: a change the current state does not allow (an agent on a status being deleted, a taken name);
 * - `rate_limited`: a spent rate window, with that window's state and the wait ({@link DomainError.retry});
 * - `unavailable`: the service is down for a moment (an injected fault);
 * - `storage_unavailable`: a durable write failed, so nothing was changed.
 */
export type DomainErrorKind =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'unavailable'
  | 'storage_unavailable';

/** A rate window's state, as the `X-RateLimit-*` headers report it (`resetAt` in epoch milliseconds). */
export type RateLimitState = { limit: number; remaining: number; resetAt: number };

/** A `rate_limited` refusal's window: its state as of the refusal, and the whole seconds to wait before retrying. */
export type RetryAfter = { window: RateLimitState; afterSeconds: number };

/**
 * A client's mistake or a refused change, carried out of the domain as a kind, an upper-snake code (Freshchat's
 * `status` field) and a message that names the offending field.
 *
 * @example
 * throw new DomainError('not_found', 'AGENT_NOT_FOUND', 'agent_id: agent not found');
 */
export class DomainError extends Error {
  constructor(
    /** What kind of refusal this is. */
    readonly kind: DomainErrorKind,
    /** Upper-snake error code, Freshchat's `status` field. */
    readonly code: string,
    message: string,
    /** For a `rate_limited` refusal: the window's state and how long to wait before retrying. */
    readonly retry?: RetryAfter,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/**
 * The refusal of a change that could not be kept (the data folder's disk is full, failing or read-only): nothing
 * was applied, reads go on, and the same request succeeds once the disk takes writes again.
 *
 * @example
 * throw storageUnavailable('ENOSPC');
 */
export function storageUnavailable(reason: string): DomainError {
  return new DomainError(
    'storage_unavailable',
    'STORAGE_UNAVAILABLE',
    `the change could not be kept (${reason}), so it was not made; retry once the data folder takes writes again`,
  );
}
