import { tooManyRequests } from '../../domain/accounts/rate-window.js';
import type { Call } from './call.js';

/**
 * The rate limit of every Freshchat request: the account's window takes the request, or it is refused with a 429.
 * The window is not kept across restarts: only what the domain's events say is.
 */
export function limit(call: Call): void {
  const account = call.account;
  if (call.plan.isFreshchat && account && !account.requestRateWindow.take(call.at)) {
    throw tooManyRequests(
      account.requestRateWindow.state(call.at),
      account.requestRateWindow.retryAfterSeconds(call.at),
      'too many requests in this minute',
    );
  }
}
