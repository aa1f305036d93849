import { METHOD_NAME_ALL, type Params, type Result, type Router } from 'hono/router';
import { RegExpRouter } from 'hono/router/reg-exp-router';

/** A static path's match in Hono's shape: the handlers, each with its (no) parameters. */
type StaticMatch<T> = [[T, Params][]];

/**
 * Hono's router for the spec's routes. A path without parameters is found in a map; the others go through Hono's
 * RegExpRouter. A static path shadows a parameter at the same place for every method: `/v2/agents/status` is
 * never the agent "status", so one route matches each request and Hono takes its single-handler path.
 *
 * Hono's default router falls back to its TrieRouter for such paths (RegExpRouter cannot tell a static segment
 * from a parameter beside it); the trie search cost about 1 µs a request.
 *
 * @example
 * const app = new Hono({ router: new OperationRouter() });
 * app.get('/v2/agents/status', listStatuses);
 * app.get('/v2/agents/:agent_id', getAgent); // never called for /v2/agents/status
 */
export class OperationRouter<T> implements Router<T> {
  readonly name = 'OperationRouter';
  /** Static path → method → the match, made once when the route is added rather than on every request. */
  readonly #static = new Map<string, Map<string, StaticMatch<T>>>();
  readonly #params = new RegExpRouter<T>();
  /** The methods of every route, for `methods`. */
  readonly #methods = new Set<string>();

  add(method: string, path: string, handler: T): void {
    this.#methods.add(method);
    if (/[:*]/.test(path)) {
      this.#params.add(method, path, handler);
      return;
    }
    const byMethod = this.#static.get(path) ?? new Map<string, StaticMatch<T>>();
    this.#static.set(path, byMethod);
    const match = (m: string): StaticMatch<T> => byMethod.get(m) ?? byMethod.get(METHOD_NAME_ALL) ?? [[]];
    // A handler for every method joins each method's match; a method's own handlers follow those already there.
    for (const m of method === METHOD_NAME_ALL ? new Set([...byMethod.keys(), METHOD_NAME_ALL]) : [method]) {
      byMethod.set(m, [[...match(m)[0], [handler, {}]]]);
    }
  }

  match(method: string, path: string): Result<T> {
    const byMethod = this.#static.get(path);
    if (!byMethod) return this.#params.match(method, path);
    return byMethod.get(method) ?? byMethod.get(METHOD_NAME_ALL) ?? [[]];
  }

  /** The methods that have a route matching `path`: what a 405 answer's `Allow` names. */
  methods(path: string): string[] {
    return [...this.#methods].filter((method) => method !== METHOD_NAME_ALL && this.match(method, path)[0].length > 0);
  }
}
