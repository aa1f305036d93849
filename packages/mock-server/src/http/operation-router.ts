import { METHOD_NAME_ALL, type Params, type Result, type Router } from 'hono/router';
import { RegExpRouter } from 'hono/router/reg-exp-router';

/** A static path's match in Hono's shape: the handlers, each with its (no) parameters. */
type StaticMatch<T> = [[T, Params][]];

/**
 * Hono's router for the spec's routes. A path without parameters is found in a map; the others go through Hono's
 * RegExpRouter. A static path shadows a parameter at the same place for every method: `/v2/agents/status` is
 * never the agent "status", so one route matches each request and Hono takes its single-handler path.
 *
 * Hono's default router falls back to its slower TrieRouter for such paths (RegExpRouter cannot tell a static
 * segment from a parameter beside it); the cost is in bench/NOTES.md.
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
  /** Handlers on wildcard paths (middleware such as `app.use('*', …)`), which static paths must also run. */
  readonly #wildcards = new Set<T>();
  /** The order handlers were added in, to merge a static match with wildcard ones. */
  readonly #order = new Map<T, number>();

  add(method: string, path: string, handler: T): void {
    this.#methods.add(method);
    this.#order.set(handler, this.#order.size);
    if (/[:*]/.test(path)) {
      if (path.includes('*')) this.#wildcards.add(handler);
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
    const own = byMethod.get(method) ?? byMethod.get(METHOD_NAME_ALL) ?? [[]];
    return this.#wildcards.size === 0 ? own : this.#withWildcards(own, method, path);
  }

  /** The methods that have a route matching `path`, middleware aside: what a 405 answer's `Allow` names. */
  methods(path: string): string[] {
    return [...this.#methods].filter(
      (method) =>
        method !== METHOD_NAME_ALL &&
        (this.match(method, path)[0] as [T, unknown][]).some(([handler]) => !this.#wildcards.has(handler)),
    );
  }

  /** A static path's match with the wildcard handlers that also match it, in the order all were added. */
  #withWildcards(own: StaticMatch<T>, method: string, path: string): StaticMatch<T> {
    const [matches, stash] = this.#params.match(method, path) as [[T, Params | Record<string, number>][], string[]?];
    const extra: [T, Params][] = [];
    for (const [handler, params] of matches) {
      if (!this.#wildcards.has(handler)) continue; // a parameter route: the static path shadows it
      const values: Params = {};
      // RegExpRouter gives parameters as indexes into its stash.
      for (const [name, value] of Object.entries(params))
        values[name] = stash ? (stash[value as number] as string) : (value as string);
      extra.push([handler, values]);
    }
    if (extra.length === 0) return own;
    const order = ([handler]: [T, Params]) => this.#order.get(handler) ?? 0;
    return [[...own[0], ...extra].sort((a, b) => order(a) - order(b))];
  }
}
