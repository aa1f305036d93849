import type { FetchLike } from '../freshchat-client.js';

/** A `fetch` for tests that answers from a function and records every request it was given. */
export interface FakeFetch extends FetchLike {
  /** The requests received, in order. */
  readonly requests: Request[];
  /** How many arguments each call received (openapi-fetch passes a second one; ours must not). */
  readonly argumentCounts: number[];
}

/**
 * Builds a {@link FakeFetch}. `answer` gets each request and its 0-based index; an array of answers is served in
 * order, the last one repeating.
 *
 * @example
 * const fetch = fakeFetch([jsonAnswer(429, tooMany, { 'Retry-After': '42' }), jsonAnswer(202, accepted)]);
 */
export function fakeFetch(
  answer: ((request: Request, index: number) => Response | Promise<Response>) | Response[],
): FakeFetch {
  const requests: Request[] = [];
  const argumentCounts: number[] = [];
  const respond =
    typeof answer === 'function'
      ? answer
      : (_request: Request, index: number) => {
          const response = answer[Math.min(index, answer.length - 1)];
          if (!response) throw new Error('fakeFetch: no answer given');
          // A Response body can be read once; serve a copy so a repeated answer still has one.
          return response.clone();
        };
  const fetch = async (...args: unknown[]) => {
    const [request] = args;
    if (!(request instanceof Request)) throw new TypeError('fakeFetch: expected a Request');
    requests.push(request);
    argumentCounts.push(args.length);
    return respond(request, requests.length - 1);
  };
  return Object.assign(fetch, { requests, argumentCounts });
}

/**
 * A JSON answer.
 *
 * @example
 * jsonAnswer(400, { code: 400, status: 'INVALID_VALUE', message: 'format: must be one of csv' });
 */
export function jsonAnswer(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}
