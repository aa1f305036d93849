import type { MiddlewareHandler } from 'hono';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Guards the board's mutating routes against other web pages: in real-account mode they change real Freshchat
 * agents, and a page on any site can send a "simple" cross-origin POST (a form, or `fetch` with a `text/plain`
 * body) without the browser asking first. So a request that changes something is refused with 403 when the browser
 * says it comes from another origin (`Origin`, or `Sec-Fetch-Site`), and with 415 when it carries a body that is
 * not JSON (which a cross-origin page cannot send without a preflight this server never grants). Tools that send
 * no `Origin` (curl, scripts) are let through.
 *
 * @example
 * app.use('/api/*', mutationGuard());
 */
export function mutationGuard(): MiddlewareHandler {
  return async (c, next) => {
    if (READS.has(c.req.method)) return next();
    const origin = c.req.header('origin');
    const site = c.req.header('sec-fetch-site');
    const own = new URL(c.req.url).origin;
    if ((origin !== undefined && origin !== own) || (site !== undefined && site !== 'same-origin' && site !== 'none')) {
      return c.json(
        { error: `cross-origin requests are refused (Origin: ${origin ?? site}); use the board's own page` },
        403,
      );
    }
    const hasBody = (c.req.header('content-length') ?? '0') !== '0' || c.req.header('transfer-encoding') !== undefined;
    const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
    if (hasBody && type !== 'application/json') {
      return c.json({ error: `the body must be JSON (Content-Type: application/json), not ${type ?? 'untyped'}` }, 415);
    }
    return next();
  };
}
