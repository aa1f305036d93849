import { tooManyRequests } from '../../domain/accounts/rate-window.js';
import type { Call } from './call.js';

/**
 * The rate limit of every Freshchat request: the account's window takes the request, or it is refused with a 429.
 * A replay counts the request but never refuses it: it was accepted, maybe under a higher `--rate-limit`.
 */
export function limit(call: Call): void {
  const account = call.account;
  if (call.plan.isFreshchat && account && !account.requestRateWindow.take(call.at) && !call.replaying) {
    throw tooManyRequests(
      account.requestRateWindow.state(call.at),
      account.requestRateWindow.retryAfterSeconds(call.at),
      'too many requests in this minute',
    );
  }
}
