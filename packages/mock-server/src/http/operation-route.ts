import type { Context } from 'hono';
import type { OperationRoute } from '../generated/documents.js';
import { operationValidators } from '../generated/validators.js';
import type { OperationHandler, OperationId } from './operation-types.js';
import { admit, carryOutFaults } from './pipeline/admit.js';
import { refusal, reply } from './pipeline/answer.js';
import { Call, type CallPlan, type RouteContext } from './pipeline/call.js';
import { type HandlerResult, handle } from './pipeline/handle.js';
import { limit } from './pipeline/limit.js';
import { readBody } from './pipeline/read-body.js';
import { record } from './pipeline/record.js';
import { validateBody, validateParameters } from './pipeline/validate.js';

/**
 * The Hono handler of one operation, a pipeline of steps over one `Call`: admit (authentication, faults), limit
 * (the rate limit), validate (path and query, with the validators compiled from the spec), read the body and
 * validate it, handle (the typed handler, which asks the domain), answer (the reply, or an error in Freshchat's shape)
 * and record (the journal). Every refusal skips to answer and record.
 *
 * It answers synchronously unless it has to wait (a body to read, an injected latency, a handler that returns a
 * promise): @hono/node-server then writes the answer at once, without a round of promises.
 */
export function operationRoute(route: OperationRoute, handler: OperationHandler<OperationId>, ctx: RouteContext) {
  const plan: CallPlan = {
    route,
    handler,
    ctx,
    validators: operationValidators[route.operationId] ?? {},
    isFreshchat: route.document === 'freshchat',
    bodyLimit: route.document === 'freshchat' ? ctx.bodyLimits.freshchat : ctx.bodyLimits.control,
  };
  return (c: Context): Response | Promise<Response> => run(new Call(plan, c));
}

function run(call: Call): Response | Promise<Response> {
  let latency: number | Promise<number>;
  try {
    latency = admit(call);
  } catch (error) {
    return record(call, refusal(call, error));
  }
  if (latency instanceof Promise)
    return latency.then(afterLatency.bind(null, call), (e) => record(call, refusal(call, e)));
  if (latency > 0) return afterLatency(call, latency);
  return afterAdmission(call);
}

async function afterLatency(call: Call, ms: number): Promise<Response> {
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  return afterAdmission(call);
}

function afterAdmission(call: Call): Response | Promise<Response> {
  try {
    carryOutFaults(call);
    limit(call);
    validateParameters(call);
  } catch (error) {
    return record(call, refusal(call, error));
  }
  // Outside the try: `record` throws to drop a connection, and must run once.
  return call.plan.route.body === 'none' ? handleAndAnswer(call, undefined) : readThenHandle(call);
}

async function readThenHandle(call: Call): Promise<Response> {
  let body: unknown;
  try {
    body = await readBody(call);
  } catch (error) {
    return record(call, refusal(call, error));
  }
  return handleAndAnswer(call, body);
}

function handleAndAnswer(call: Call, body: unknown): Response | Promise<Response> {
  let result: HandlerResult;
  try {
    if (body !== undefined) validateBody(call, body);
    result = handle(call, body);
  } catch (error) {
    return record(call, refusal(call, error));
  }
  // A handler answers with a promise only when the sink made its events wait (a group commit).
  if (result instanceof Promise) return settle(call, result);
  let response: Response;
  try {
    response = reply(call, result);
  } catch (error) {
    response = refusal(call, error);
  }
  return record(call, response);
}

async function settle(call: Call, result: Promise<unknown>): Promise<Response> {
  let response: Response;
  try {
    response = reply(call, await result);
  } catch (error) {
    response = refusal(call, error);
  }
  return record(call, response);
}
