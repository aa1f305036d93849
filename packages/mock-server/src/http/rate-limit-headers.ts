import type { RateLimitState } from '../domain/accounts/rate-window.js';

/**
 * Adds the `X-RateLimit-Limit/Remaining/Reset` headers of a window's state to `headers` (Reset in unix seconds):
 * successful answers and 429s carry them alike.
 */
export function rateLimitHeaders(state: RateLimitState, headers: Record<string, string> = {}): Record<string, string> {
  headers['X-RateLimit-Limit'] = String(state.limit);
  headers['X-RateLimit-Remaining'] = String(state.remaining);
  headers['X-RateLimit-Reset'] = String(Math.ceil(state.resetAt / 1000));
  return headers;
}
