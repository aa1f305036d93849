import { DomainError, type RateLimitState } from '../domain-error.js';

/**
 * The `rate_limited` refusal of a spent window: the state of the window that refused the request and the wait (the
 * HTTP layer writes them as a 429's `Retry-After` and `X-RateLimit-*` headers), and `message` followed by the wait.
 * Both rate limits (every request's, and one report request per minute) and an injected `error` fault of status 429
 * refuse with it.
 *
 * @example
 * if (!reports.take(now)) throw tooManyRequests(reports.state(now), reports.retryAfterSeconds(now), 'one per minute');
 * // message: "one per minute; retry after 60 seconds"
 */
export function tooManyRequests(state: RateLimitState, retryAfterSeconds: number, message: string): DomainError {
  return new DomainError('rate_limited', 'TOO_MANY_REQUESTS', `${message}; retry after ${retryAfterSeconds} seconds`, {
    window: state,
    afterSeconds: retryAfterSeconds,
  });
}

/**
 * A fixed window of `limit` accepted requests per `windowMs` of clock time. The window opens at the first request
 * taken after the previous one closed, so "one report per minute" means a minute from the accepted request.
 *
 * @example
 * const reports = new RateWindow(1, 60_000);
 * reports.take(now); // true
 * reports.take(now + 1_000); // false: retry after reports.state(now + 1_000).resetAt
 */
export class RateWindow {
  private openedAt = Number.NEGATIVE_INFINITY;
  private used = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** The window as of `now`, without taking anything. */
  state(now: number): RateLimitState {
    if (now >= this.openedAt + this.windowMs)
      return { limit: this.limit, remaining: this.limit, resetAt: now + this.windowMs };
    return {
      limit: this.limit,
      remaining: Math.max(this.limit - this.used, 0),
      resetAt: this.openedAt + this.windowMs,
    };
  }

  /** Whether `take(now)` would take one; nothing changes. */
  hasRoom(now: number): boolean {
    return now >= this.openedAt + this.windowMs || this.used < this.limit;
  }

  /** Takes one request if the window has room; returns whether it did. */
  take(now: number): boolean {
    if (now >= this.openedAt + this.windowMs) {
      this.openedAt = now;
      this.used = 0;
    }
    if (this.used >= this.limit) return false;
    this.used++;
    return true;
  }

  /** Whole seconds until the window has room again (0 when it has room now). */
  retryAfterSeconds(now: number): number {
    const state = this.state(now);
    return state.remaining > 0 ? 0 : Math.max(Math.ceil((state.resetAt - now) / 1000), 1);
  }
}
