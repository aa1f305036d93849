import { Hono } from 'hono';
import type { DurableLog } from '../domain/durable-log.js';
import type { Sandbox } from '../domain/sandbox.js';
import { SandboxError } from '../domain/sandbox-error.js';
import { freshchatYaml, mockControlYaml, operationRoutes } from '../generated/documents.js';
import { controlHandlers } from './control-handlers.js';
import { docsPage } from './docs-page.js';
import { freshchatHandlers } from './freshchat-handlers.js';
import { type BodyLimits, ConnectionDropped, errorResponse, operationRoute } from './operation-route.js';
import type { AllOperationHandlers, OperationHandler, OperationHandlers, OperationId } from './operation-types.js';
import { storageHandlers } from './storage-handlers.js';

/** How the HTTP layer is set up. */
export type AppOptions = {
  /** Largest request body accepted, in bytes: 64 KiB for `/v2`, 1 MiB for `/_mock` by default. */
  bodyLimits?: Partial<BodyLimits> | undefined;
  /** The durable log, when the sandbox keeps its state on disk. */
  durable?: DurableLog | undefined;
  /** Handlers that live outside this folder's modules (the webhook dispatcher's deliveries). */
  extraHandlers: OperationHandlers<'listWebhookDeliveries' | 'triggerWebhook'>;
};

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Hono paths for the spec's templates: `/agents/{agent_id}` → `/agents/:agent_id`, where a parameter never matches a
 * static segment that a sibling route has at the same place (`status` of `/v2/agents/status`). One route matches a
 * request, so Hono takes its single-handler fast path instead of composing two (measured: ≈ 15 µs a request), and
 * `PATCH /v2/agents/status` is a 405 rather than an agent id.
 */
export function honoPaths(paths: readonly string[]): Map<string, string> {
  const split = paths.map((p) => p.split('/'));
  const out = new Map<string, string>();
  for (const segments of split) {
    const converted = segments.map((segment, i) => {
      const param = /^\{(\w+)\}$/.exec(segment)?.[1];
      if (!param) return segment;
      const prefix = segments.slice(0, i).join('/');
      const statics = new Set(
        split
          .filter(
            (other) =>
              other.length > i && other.slice(0, i).join('/') === prefix && !/^\{\w+\}$/.test(other[i] as string),
          )
          .map((other) => other[i] as string),
      );
      if (statics.size === 0) return `:${param}`;
      return `:${param}{(?!(?:${[...statics].map(escapeRegExp).join('|')})$)[^/]+}`;
    });
    out.set(segments.join('/'), converted.join('/'));
  }
  return out;
}

/**
 * The Hono app: every operation of both documents, registered from the generated route table and answered by the
 * typed handlers; `/openapi.yaml`, `/mock-control.yaml` and `/docs`; 404 and 405 in Freshchat's error shape.
 *
 * @example
 * const app = createApp(new Sandbox(), { extraHandlers });
 * const res = await app.request('/v2/agents/status', { headers: { Authorization: 'Bearer sandbox-token' } });
 */
export function createApp(sandbox: Sandbox, options: AppOptions): Hono {
  const handlers: AllOperationHandlers = {
    ...freshchatHandlers,
    ...controlHandlers,
    ...storageHandlers,
    ...options.extraHandlers,
  };
  const ctx = {
    sandbox,
    bodyLimits: { freshchat: 64 * 1024, control: 1024 * 1024, ...options.bodyLimits },
    journalSeq: { next: 1 },
    durable: options.durable,
  };
  const app = new Hono();
  const paths = honoPaths(operationRoutes.map((r) => r.path));
  for (const route of operationRoutes) {
    const handler = handlers[route.operationId as OperationId] as OperationHandler<OperationId>;
    app.on(route.method, paths.get(route.path) as string, operationRoute(route, handler, ctx));
  }
  const yaml = (text: string) => () =>
    new Response(text, { headers: { 'Content-Type': 'application/yaml; charset=utf-8' } });
  app.get('/openapi.yaml', yaml(freshchatYaml));
  app.get('/mock-control.yaml', yaml(mockControlYaml));
  app.get('/docs', (c) => c.html(docsPage()));
  app.get('/', (c) => c.redirect('/docs'));

  // The same paths the routes were registered with, so Allow names exactly the methods that would answer.
  const patterns = operationRoutes.map((r) => ({
    method: r.method,
    regex: new RegExp(
      `^${(paths.get(r.path) as string).replace(/:\w+(?:\{((?:[^{}]|\{[^}]*\})*)\})?/g, (_m, pattern?: string) => `(?:${pattern ?? '[^/]+'})`)}/?$`,
    ),
  }));
  app.notFound((c) => {
    // `/v2/agents/status` matches two path templates, both with a GET: name each method once.
    const allowed = [...new Set(patterns.filter((p) => p.regex.test(c.req.path)).map((p) => p.method))];
    if (allowed.length > 0) {
      const response = errorResponse(
        new SandboxError(405, 'METHOD_NOT_ALLOWED', `method: ${c.req.method} is not allowed on ${c.req.path}`),
      );
      response.headers.set('Allow', allowed.join(', '));
      return response;
    }
    return errorResponse(new SandboxError(404, 'NOT_FOUND', `path: no operation at ${c.req.method} ${c.req.path}`));
  });
  app.onError((error) => {
    // A dropped connection has no answer: in-process, the caller's fetch rejects as on a network failure.
    if (error instanceof ConnectionDropped) throw error;
    return errorResponse(error);
  });
  return app;
}
