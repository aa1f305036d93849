import { readdir, readFile } from 'node:fs/promises';
import { receiveWebhook } from '@freshchat-sandbox/webhook-types';
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type DemoBackend, WEBHOOK_PATH } from './demo-backend.js';
import type { EventHub } from './event-hub.js';
import { mutationGuard } from './mutation-guard.js';
import type { ReportExports } from './report-export.js';

const STATIC_FILES: Record<string, string> = {
  '/': 'index.html',
  '/board.js': 'board.js',
  '/board.css': 'board.css',
};
const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

/** What the routes translate to: the API side, the page's event streams and the report exports. */
type DemoRoutesDeps = { backend: DemoBackend; hub: EventHub; exports: ReportExports };

/**
 * The board's Hono app: the page (`/`, `/board.js` and its modules under `/board/`, `/board.css`), its JSON API
 * (`/api/…`; `/api/sandbox/…` only against the sandbox), the event stream (`/events`) and the webhook endpoint
 * ({@link WEBHOOK_PATH}), which verifies every delivery before the board changes. The routes only check what the page
 * sent and translate: the calls go through `backend`, the news goes out through `hub`.
 *
 * @example
 * const app = await demoRoutes({ backend, hub, exports });
 * serve({ fetch: app.fetch, port: 5173 });
 */
export async function demoRoutes({ backend, hub, exports }: DemoRoutesDeps): Promise<Hono> {
  const { board } = backend;
  const app = new Hono();
  app.onError((error, c) => {
    const status = isApiError(error) ? (error.status as ContentfulStatusCode) : 500;
    return c.json({ error: error.message }, status);
  });

  const staticDir = new URL('./public/', import.meta.url);
  // board.js imports its modules from board/: each is served at its own path, listed once at start.
  const boardModules = (await readdir(new URL('board/', staticDir))).filter((name) => name.endsWith('.js'));
  const files = {
    ...STATIC_FILES,
    ...Object.fromEntries(boardModules.map((name) => [`/board/${name}`, `board/${name}`])),
  };
  for (const [route, file] of Object.entries(files)) {
    const body = await readFile(new URL(file, staticDir), 'utf8');
    const type = CONTENT_TYPES[file.split('.').pop() ?? ''] ?? 'text/plain';
    app.get(route, (c) => c.body(body, 200, { 'content-type': type, 'cache-control': 'no-store' }));
  }

  // Every route that changes something refuses other origins and bodies that are not JSON.
  app.use('/api/*', mutationGuard());

  app.get('/api/state', (c) => c.json(backend.snapshot()));

  app.get('/events', (c) => hub.stream(c, () => backend.snapshot()));

  app.post(WEBHOOK_PATH, async (c) => {
    if (!backend.publicKey) {
      hub.broadcast(
        'log',
        board.refused('delivery refused: no public key to verify it (FRESHCHAT_WEBHOOK_PUBLIC_KEY)'),
      );
      return c.json({ error: 'this board has no public key to verify webhooks with' }, 503);
    }
    const received = await receiveWebhook(c.req.raw, { publicKey: backend.publicKey });
    if (!received.ok) {
      hub.broadcast(
        'log',
        board.refused(`delivery refused (${received.rejection.status}): ${received.rejection.message}`),
      );
      return c.json({ error: received.rejection.message }, received.rejection.status);
    }
    const { event } = received;
    if (event.action !== 'agent_availability') return c.body(null, 204);
    await backend.addAgentIfNew(event.data.agent_availability.agent_id);
    hub.publish(board.applyWebhook(event, received.eventId));
    return c.body(null, 204);
  });

  app.post('/api/agents/:id/status', async (c) => {
    const agentId = c.req.param('id');
    const { statusKey } = await jsonBody<{ statusKey?: unknown }>(c.req.raw);
    const changed = typeof statusKey === 'string' ? await backend.changeStatus(agentId, statusKey) : undefined;
    if (!changed) return c.json({ error: 'statusKey: is not one of the board’s statuses' }, 400);
    const { answer, unchanged } = changed;
    // With webhooks, the board changes when the verified event arrives, not on this answer.
    if (!backend.webhookInfo().live) hub.publish(board.applyPatchAnswer(agentId, answer));
    return c.json({ answer, unchanged, viaWebhook: backend.webhookInfo().live });
  });

  app.post('/api/refresh', async (c) => {
    await backend.load();
    hub.broadcast('snapshot', backend.snapshot());
    return c.json({ ok: true });
  });

  app.post('/api/reports', async (c) => {
    const { start, end } = await jsonBody<{ start?: unknown; end?: unknown }>(c.req.raw);
    if (typeof start !== 'string' || Number.isNaN(Date.parse(start)))
      return c.json({ error: 'start: is required' }, 400);
    if (typeof end !== 'string' || Number.isNaN(Date.parse(end))) return c.json({ error: 'end: is required' }, 400);
    const started = exports.start({ start: new Date(start).toISOString(), end: new Date(end).toISOString() });
    return c.json(started, 202);
  });

  app.get('/api/reports/:id', (c) => {
    const found = exports.get(c.req.param('id'));
    return found ? c.json(found) : c.json({ error: 'no such export' }, 404);
  });

  app.get('/api/reports/:id/:file{(activity|time-per-status)\\.csv}', (c) => {
    const id = c.req.param('id');
    const file = c.req.param('file');
    const csv = file === 'activity.csv' ? exports.activityCsv(id) : exports.summaryCsv(id);
    if (csv === undefined) return c.json({ error: 'no completed export with that id' }, 404);
    return c.body(csv, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="agent-${file.replace('.csv', '')}-${id.slice(0, 8)}.csv"`,
    });
  });

  // Sandbox only: the virtual clock and status management go through the control API.
  app.use('/api/sandbox/*', async (c, next) => {
    if (!backend.control) return c.json({ error: 'only available against the sandbox' }, 404);
    await next();
  });

  app.post('/api/sandbox/clock/advance', async (c) => {
    const { seconds } = await jsonBody<{ seconds?: unknown }>(c.req.raw);
    if (typeof seconds !== 'number' || !(seconds > 0) || seconds > 86_400) {
      return c.json({ error: 'seconds: must be a number from 1 to 86400' }, 400);
    }
    return c.json({ now: await backend.advanceClock(seconds) });
  });

  app.post('/api/sandbox/simulate', async (c) => {
    const made = await backend.simulate();
    hub.broadcast('snapshot', backend.snapshot());
    return c.json(made, 201);
  });

  const statusesChanged = () => hub.broadcast('statuses', { statuses: board.statuses(), agents: board.list() });

  app.post('/api/sandbox/statuses', async (c) => {
    const { name, emoji } = await jsonBody<{ name?: unknown; emoji?: unknown }>(c.req.raw);
    if (typeof name !== 'string' || name.trim() === '') return c.json({ error: 'name: is required' }, 400);
    const created = await backend.createStatus(
      name.trim(),
      typeof emoji === 'string' && emoji.trim() !== '' ? emoji.trim() : undefined,
    );
    statusesChanged();
    return c.json(created, 201);
  });

  app.patch('/api/sandbox/statuses/:id', async (c) => {
    const { name } = await jsonBody<{ name?: unknown }>(c.req.raw);
    if (typeof name !== 'string' || name.trim() === '') return c.json({ error: 'name: is required' }, 400);
    const updated = await backend.renameStatus(c.req.param('id'), name.trim());
    statusesChanged();
    return c.json(updated);
  });

  app.delete('/api/sandbox/statuses/:id', async (c) => {
    await backend.deleteStatus(c.req.param('id'));
    statusesChanged();
    return c.body(null, 204);
  });

  return app;
}

/** A JSON body, or a 400 when the body is not JSON. */
async function jsonBody<T extends object>(request: Request): Promise<T> {
  try {
    const body: unknown = await request.json();
    if (typeof body === 'object' && body !== null) return body as T;
  } catch {}
  throw Object.assign(new Error('the body must be a JSON object'), { status: 400 });
}

/** An error carrying the HTTP status of a Freshchat or control answer (`FreshchatApiError`), or a 400 of ours. */
function isApiError(error: unknown): error is Error & { status: number } {
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 600;
}
