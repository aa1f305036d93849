import { Hono } from 'hono';
import type { H, RouterRoute } from 'hono/types';
import { rateWindowOf } from '../domain/accounts/account.js';
import { DomainError } from '../domain/domain-error.js';
import type { Sandbox } from '../domain/sandbox.js';
import { freshchatYaml, mockControlYaml, operationRoutes } from '../generated/documents.js';
import { operationValidators } from '../generated/validators.js';
import { errorResponse, type HttpDate, RequestRefusal } from './answer.js';
import type { BodyLimits, CallPlan } from './call.js';
import { controlHandlers } from './control-handlers.js';
import { freshchatHandlers } from './freshchat-handlers.js';
import { ConnectionDropped, operationHandler } from './handle-request.js';
import type { HealthOperationId } from './health-handler.js';
import type { InspectorOperationId } from './inspector-handlers.js';
import { OperationRouter } from './operation-router.js';
import type { AllOperationHandlers, OperationHandler, OperationHandlers, OperationId } from './operation-types.js';
import { storageHandlers } from './storage-handlers.js';
import { addWebPages } from './web-pages.js';
import type { DispatcherOperationId } from './webhook-handlers.js';

/** How the HTTP layer is set up. */
export type AppOptions = {
  /** Largest request body accepted, in bytes: 64 KiB for `/v2`, 1 MiB for `/_mock` by default. */
  bodyLimits?: Partial<BodyLimits> | undefined;
  /** The answers' `Date`, on the sandbox's clock. */
  date: HttpDate;
  /** Handlers that live outside this folder's modules (the webhook dispatcher's deliveries). */
  extraHandlers: OperationHandlers<DispatcherOperationId | InspectorOperationId | HealthOperationId>;
};

/** A Hono path for one of the spec's templates: `/agents/{agent_id}` → `/agents/:agent_id`. */
function honoPath(template: string): string {
  return template.replace(/\{(\w+)\}/g, ':$1');
}

/**
 * The Hono app: every operation of both documents, registered from the generated route table and answered by the
 * typed handlers (each `/v2` path also with one trailing slash); `/openapi.yaml`, `/mock-control.yaml`, `/docs` and
 * `/_inspector`; 404 and 405 in Freshchat's error shape.
 *
 * @example
 * const sandbox = new Sandbox();
 * const app = createApp(sandbox, { date: new HttpDate(sandbox.clock), extraHandlers });
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
    date: options.date,
  };
  const router = new OperationRouter<[H, RouterRoute]>();
  const app = new Hono({ router });
  for (const route of operationRoutes) {
    const handler = handlers[route.operationId as OperationId] as OperationHandler<OperationId>;
    const plan: CallPlan = {
      route,
      handler,
      ctx,
      validators: operationValidators[route.operationId] ?? {},
      isFreshchat: route.document === 'freshchat',
      rateWindow: rateWindowOf(route.operationId),
      bodyLimit: route.document === 'freshchat' ? ctx.bodyLimits.freshchat : ctx.bodyLimits.control,
    };
    const answer = operationHandler(plan);
    app.on(route.method, honoPath(route.path), answer);
    // Freshchat's guide writes `…/v2/reports/raw/`: every /v2 path also answers with one trailing slash.
    if (route.document === 'freshchat') app.on(route.method, `${honoPath(route.path)}/`, answer);
  }
  const yaml = (text: string) => () =>
    new Response(text, { headers: { 'Content-Type': 'application/yaml; charset=utf-8' } });
  app.get('/openapi.yaml', yaml(freshchatYaml));
  app.get('/mock-control.yaml', yaml(mockControlYaml));
  addWebPages(app);
  app.get('/', (c) => c.redirect('/docs'));

  app.notFound((c) => {
    const allowed = router.methods(c.req.path);
    if (allowed.length > 0) {
      const response = errorResponse(
        new RequestRefusal(
          'method_not_allowed',
          'METHOD_NOT_ALLOWED',
          `method: ${c.req.method} is not allowed on ${c.req.path}`,
        ),
      );
      response.headers.set('Allow', allowed.join(', '));
      return response;
    }
    return errorResponse(
      new DomainError('not_found', 'NOT_FOUND', `path: no operation at ${c.req.method} ${c.req.path}`),
    );
  });
  app.onError((error) => {
    // A dropped connection has no answer: in-process, the caller's fetch rejects as on a network failure.
    if (error instanceof ConnectionDropped) throw error;
    return errorResponse(error);
  });
  return app;
}
