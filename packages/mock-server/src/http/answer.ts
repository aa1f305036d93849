import { type Call, incomingOf } from './call.js';
import { type ErrorAnswer, errorAnswer, isRefusal } from './error-answer.js';
import { rateLimitHeaders } from './rate-limit-headers.js';
import { storageRefusal } from './storage-error.js';

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
  if (given instanceof Response) {
    if (rate) for (const [name, value] of Object.entries(rateLimitHeaders(rate))) given.headers.set(name, value);
    return given;
  }
  const text = given.body === undefined ? null : (given.json ?? JSON.stringify(given.body));
  if (text !== null) call.responseText = text;
  const headers: Record<string, string> = {};
  if (text !== null) headers['content-type'] = JSON_CONTENT_TYPE;
  headers.date = ctx.date.now();
  if (rate) rateLimitHeaders(rate, headers);
  return dated(call, given.status, text, given.headers ? listedOrder(headers, given.headers) : headers);
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

/**
 * An error answer, its Date set afterwards by `HttpDate.stamp`, unlike `reply`'s: the request log reads an error's
 * body from a copy (`listen`'s `onRequest`), after which @hono/node-server writes the headers from that copy, where
 * a Content-Length given here would go out in another place than it always did. Errors are rare; answers are not.
 */
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
 * The Response of an answer made here, its headers given when it is made and marked as dated: @hono/node-server
 * then writes it straight from this record, while touching `response.headers` afterwards would make it build a
 * Headers object and turn it back into a record (bench/NOTES.md). The record lists the headers as that Headers
 * object did (lower case, in order), and over a socket ends with `Content-Length`, where Node wrote it before, so
 * the bytes on the wire are the same.
 */
function dated(call: Call, status: number, text: string | null, headers: Record<string, string>): Response {
  const { ctx } = call.plan;
  const incoming = incomingOf(call.c);
  if (text !== null && incoming && incoming.method !== 'HEAD')
    headers['Content-Length'] = String(Buffer.byteLength(text));
  return ctx.date.madeDated(new Response(text, { status, headers }));
}

/** `headers` and `more` in one record, named and ordered as a Headers object lists them (lower case, sorted). */
function listedOrder(headers: Record<string, string>, more: Record<string, string>): Record<string, string> {
  const all: Record<string, string> = { ...headers };
  for (const name in more) all[name.toLowerCase()] = more[name] as string;
  const out: Record<string, string> = {};
  for (const name of Object.keys(all).sort()) out[name] = all[name] as string;
  return out;
}
