import { clipBody } from '../../domain/accounts/request-journal.js';
import { ConnectionDropped } from './admit.js';
import type { Call } from './call.js';
import { header, pathAndQuery } from './incoming.js';

/** Before the handler runs: notes when it ran, and starts noting the ids it makes, for the durable log. */
export function beginCapture(call: Call): void {
  const ctx = call.plan.ctx;
  ctx.durable?.beginCapture();
  call.handledAt = ctx.sandbox.clock.now();
}

/** Once the handler has answered or thrown: the ids it made. */
export function endCapture(call: Call): void {
  call.ids = call.plan.ctx.durable?.endCapture() ?? [];
}

/**
 * The last step: logs a request that changed state to the durable log, before answering; journals it; drops the
 * connection if a fault said so (throwing `ConnectionDropped`), else returns the answer.
 */
export function record(call: Call, response: Response): Response {
  const { c, account, ids, plan } = call;
  const ctx = plan.ctx;
  const durable = ctx.durable;
  // An accepted mutation, or a request that made ids or used up a fault, changed state.
  const mutating = c.req.method !== 'GET' && c.req.method !== 'HEAD';
  if (
    durable &&
    !call.replaying &&
    account &&
    ((mutating && response.status < 400) || ids.length > 0 || call.faulted)
  ) {
    durable.append({
      type: 'request',
      at: call.handledAt,
      realAt: call.handledAt - ctx.sandbox.clock.offset,
      method: c.req.method,
      path: pathAndQuery(c),
      token: account.token,
      contentType: header(c, 'content-type'),
      body: call.rawBody,
      ids,
      op: plan.route.operationId,
      ...(call.faulted ? { faulted: true } : {}),
      ...(ctx.sandbox.clock.frozen ? { frozen: true } : {}),
    });
  }
  if (call.dropped) {
    account?.journal.add(journalEntry(call, 0));
    throw new ConnectionDropped();
  }
  if (!call.replaying) account?.journal.add(journalEntry(call, response.status));
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
