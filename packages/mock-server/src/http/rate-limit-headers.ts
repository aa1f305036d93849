import type { RateLimitState } from '../domain/domain-error.js';

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
