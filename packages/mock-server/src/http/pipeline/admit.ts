import type { Account } from '../../domain/accounts/account.js';
import { tooManyRequests } from '../../domain/accounts/rate-window.js';
import { DomainError } from '../../domain/domain-error.js';
import { takeRequestFaults } from '../../domain/events/account-commands.js';
import { type Pending, whenDone } from '../../domain/events/pending.js';
import type { Sandbox } from '../../domain/sandbox.js';
import type { Call } from './call.js';
import { header, incomingOf } from './incoming.js';

/**
 * Thrown to make the connection drop without an answer (a `drop_connection` fault). The app's error handler lets it
 * through, so `app.fetch` rejects in-process; on a socket, the socket is destroyed first.
 */
export class ConnectionDropped extends Error {
  constructor() {
    super('connection dropped (injected fault)');
    this.name = 'ConnectionDropped';
  }
}

/**
 * The first step: authentication, and the faults this request takes (Freshchat operations only). Returns the latency
 * to inject, in ms (0 for none); the faults that answer wait for it and are carried out by `carryOutFaults`.
 */
export function admit(call: Call): Pending<number> {
  const { route, ctx, isFreshchat } = call.plan;
  if (route.auth) authenticate(call, ctx.sandbox, header(call.c, 'authorization'));
  const account = call.account;
  if (!isFreshchat || !account || account.faults.isEmpty) return 0;
  return whenDone(takeRequestFaults(ctx.sandbox, account, route.operationId), ({ latency, drop, error }) => {
    if (drop) call.dropped = true;
    if (error) call.pendingError = error.status === 429 ? 429 : 503;
    return latency?.ms ?? 0;
  });
}

/** Once any injected latency has passed: destroys the socket of a dropped connection, throws an injected error. */
export function carryOutFaults(call: Call): void {
  if (call.dropped) incomingOf(call.c)?.socket?.destroy();
  if (call.pendingError === 429) {
    // An injected 429 says the window is spent for a second, as its Retry-After does.
    const { limit } = (call.account as Account).rateWindowFor(call.plan.route.operationId);
    throw tooManyRequests({ limit, remaining: 0, resetAt: call.at + 1000 }, 1, 'too many requests (injected fault)');
  }
  if (call.pendingError === 503)
    throw new DomainError('unavailable', 'SERVICE_UNAVAILABLE', 'service temporarily unavailable (injected fault)');
}

/**
 * The token's account, and whether it is the admin token. An operation that needs the admin token refuses an
 * account's own with 403 naming it; an admin token that is no account's is taken only where the spec lists it.
 */
function authenticate(call: Call, sandbox: Sandbox, header: string | undefined): void {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) throw new DomainError('unauthorized', 'UNAUTHORIZED', 'Authorization: a bearer token is required');
  const token = match[1] as string;
  const { admin } = call.plan.route;
  call.account = sandbox.authenticate(token);
  call.admin = admin !== 'no' && sandbox.isAdminToken(token);
  if (admin === 'required' && !call.admin && call.account) {
    throw new DomainError(
      'forbidden',
      'ADMIN_TOKEN_REQUIRED',
      "Authorization: this operation reaches every account and needs the admin token (--admin-token; without it, the default account's token)",
    );
  }
  if (!call.account && !call.admin) {
    throw new DomainError('unauthorized', 'UNAUTHORIZED', 'Authorization: the token is not valid');
  }
}
