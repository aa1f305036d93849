import type { RateLimitState } from '../../domain/accounts/rate-window.js';
import { type ErrorAnswer, errorAnswer, isRefusal } from '../error-answer.js';
import { rateLimitHeaders } from '../rate-limit-headers.js';
import { storageRefusal } from '../storage-error.js';
import type { Call } from './call.js';

/** A handler's reply, as the pipeline sees it: status, body and headers, or a ready Response. */
type Reply = { status: number; body?: unknown; headers?: Record<string, string>; json?: string } | Response;

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * A handler's reply made a Response, with the `X-RateLimit-*` headers of a Freshchat operation; the JSON answered
 * is kept on the call for the journal.
 */
export function reply(call: Call, result: unknown): Response {
  const { route, ctx, isFreshchat } = call.plan;
  const account = call.account;
  const rate =
    isFreshchat && account ? account.rateWindowFor(route.operationId).state(ctx.sandbox.clock.now()) : undefined;
  const given = result as Reply;
  if (given instanceof Response) return toResponse(given, null, rate);
  const text = given.body === undefined ? null : (given.json ?? JSON.stringify(given.body));
  if (text !== null) call.responseText = text;
  return toResponse(given, text, rate);
}

/**
 * A refusal of the call: Freshchat's error body (its JSON kept on the call for the journal), or the storage
 * service's XML for the storage stand-in's operations (those without security).
 */
export function refusal(call: Call, error: unknown): Response {
  if (!call.plan.route.auth) return storageError(error);
  const answer = errorAnswer(error);
  const text = JSON.stringify(answer.body);
  if (answer.refused) call.responseText = text;
  return jsonError(answer, text);
}

/**
 * Freshchat's error body, as `errorAnswer` makes it; anything that is not a refusal is the sandbox's own bug,
 * answered 500.
 *
 * @example
 * app.notFound((c) => errorResponse(new DomainError('not_found', 'NOT_FOUND', `path: no operation at ${c.req.path}`)));
 */
export function errorResponse(error: unknown): Response {
  const answer = errorAnswer(error);
  return jsonError(answer, JSON.stringify(answer.body));
}

function jsonError(answer: ErrorAnswer, text: string): Response {
  return new Response(text, {
    status: answer.status,
    headers: { 'Content-Type': JSON_CONTENT_TYPE, ...answer.headers },
  });
}

/** The storage stand-in answers every refusal as the storage service does: 403 with an XML body. */
function storageError(error: unknown): Response {
  if (!isRefusal(error)) return errorResponse(error);
  return storageRefusal({ code: 'AccessDenied', message: 'Access Denied' });
}

/**
 * Headers go in when the Response is made: @hono/node-server writes such a Response straight from what it was
 * built with, while touching `response.headers` afterwards makes it build a full Headers object first. They are set
 * one by one rather than spread, which is cheaper on every answer (bench/NOTES.md).
 */
function toResponse(reply: Reply, text: string | null, rate: RateLimitState | undefined): Response {
  if (reply instanceof Response) {
    if (rate) for (const [name, value] of Object.entries(rateLimitHeaders(rate))) reply.headers.set(name, value);
    return reply;
  }
  const headers: Record<string, string> = {};
  if (reply.body !== undefined) headers['Content-Type'] = JSON_CONTENT_TYPE;
  if (reply.headers) for (const name in reply.headers) headers[name] = reply.headers[name] as string;
  if (rate) rateLimitHeaders(rate, headers);
  return new Response(text, { status: reply.status, headers });
}
