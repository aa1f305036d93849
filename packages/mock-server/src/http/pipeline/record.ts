import { clipBody } from '../../domain/accounts/request-journal.js';
import { ConnectionDropped } from './admit.js';
import type { Call } from './call.js';
import { pathAndQuery } from './incoming.js';

/**
 * The last step: journals the call; drops the connection if a fault said so (throwing `ConnectionDropped`), else
 * returns the answer. (What the call changed was kept before it was applied: see `Sandbox.execute`.)
 */
export function record(call: Call, response: Response): Response {
  const account = call.account;
  if (call.dropped) {
    account?.journal.add(journalEntry(call, 0));
    throw new ConnectionDropped();
  }
  account?.journal.add(journalEntry(call, response.status));
  return response;
}

/** The journal's entry for the call, answered with `status` (0 for a dropped connection). */
function journalEntry(call: Call, status: number) {
  const { c, plan } = call;
  return {
    id: plan.ctx.journalSeq.next++,
    at: call.at,
    method: c.req.method,
    path: pathAndQuery(c),
    operation: plan.route.operationId,
    status,
    duration_ms: Math.round((performance.now() - call.started) * 1000) / 1000,
    request_body: clipBody(call.rawBody),
    response_body: clipBody(call.responseText),
  };
}
