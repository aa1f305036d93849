import type { Hono } from 'hono';
import { operationRoutes } from '../generated/documents.js';

/** Every method the documents declare, and the preflight's own. */
const METHODS = [...new Set(operationRoutes.map((route) => route.method)), 'OPTIONS'].join(', ');

/**
 * `--cors`, as Prism's: wraps a fetch so that a browser's preflight (`OPTIONS` with `Origin` and
 * `Access-Control-Request-Method`, on any path) is answered `204`, allowing the origin, every declared method and the
 * headers asked for; and every answer to a request with an `Origin` (errors too, so a page can read them) allows that
 * origin and exposes every header. An answer that was synchronous stays synchronous.
 *
 * @example
 * const dispatch = allowCrossOrigin(app.fetch);
 */
export function allowCrossOrigin(fetch: Hono['fetch']): Hono['fetch'] {
  return (request, ...rest) => {
    const origin = request.headers.get('origin');
    if (origin === null) return fetch(request, ...rest);
    if (request.method === 'OPTIONS' && request.headers.has('access-control-request-method')) {
      return preflight(origin, request.headers.get('access-control-request-headers'));
    }
    const answer = fetch(request, ...rest);
    return answer instanceof Promise ? answer.then((r) => allow(r, origin)) : allow(answer, origin);
  };
}

/** The answer to a preflight. */
function preflight(origin: string, headers: string | null): Response {
  const response = new Response(null, {
    status: 204,
    headers: {
      'Access-Control-Allow-Methods': METHODS,
      'Access-Control-Max-Age': '600',
      Vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    },
  });
  if (headers !== null) response.headers.set('Access-Control-Allow-Headers', headers);
  return allow(response, origin);
}

/** Lets `origin` read the answer. */
function allow(response: Response, origin: string): Response {
  response.headers.set('Access-Control-Allow-Origin', origin);
  response.headers.set('Access-Control-Expose-Headers', '*');
  if (!response.headers.has('Vary')) response.headers.set('Vary', 'Origin');
  // Over a socket the sandbox's answers carry the Content-Length Node would write last (http/answer.ts); with the
  // headers listed anew here, it is left to Node again, so it goes out where it always did.
  response.headers.delete('Content-Length');
  return response;
}
