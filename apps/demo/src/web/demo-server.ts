import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import {
  type ControlClient,
  createControlClient,
  createFreshchatClient,
  type FreshchatClient,
} from '@freshchat-sandbox/client';
import { receiveWebhook } from '@freshchat-sandbox/webhook-types';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { type SSEStreamingApi, streamSSE } from 'hono/streaming';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { dataOf, listAllAgents } from '../freshchat-calls.js';
import { Board, type BoardChange, freshchatChoices, patchBodyFor, sandboxChoices } from './board.js';
import { type ReportExport, ReportExports } from './report-export.js';

/** The token of the sandbox's seeded account. */
const SANDBOX_TOKEN = 'sandbox-token';
/** The path the demo receives Freshchat's webhooks on. */
export const WEBHOOK_PATH = '/webhooks/freshchat';

/** How to start the board. */
export type DemoServerOptions = {
  /** Port to listen on; 0 picks a free one. Default 5173. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /**
   * A sandbox that is already running (e.g. `npx -y pnpm@10 start`, or `listen({ port: 0 })` in a test) to talk to
   * instead of starting one in-process. `token` defaults to `sandbox-token`.
   */
  sandbox?: { url: string; token?: string };
  /**
   * A real Freshchat account to talk to instead of a sandbox. The clock and status management are then hidden.
   * Webhooks reach the board only through a public URL set in Freshchat's webhook settings; without
   * `webhookPublicKey` (the key shown there) deliveries cannot be verified and are refused.
   */
  freshchat?: { baseUrl: string; token: string; webhookPublicKey?: string; publicUrl?: string };
  /** Where to log; `console.log` by default. */
  log?: (line: string) => void;
};

/** A running board. */
export type DemoServer = {
  /** The board's URL, e.g. `http://127.0.0.1:5173`. */
  url: string;
  mode: 'sandbox' | 'freshchat';
  /** The sandbox's origin, in sandbox mode. */
  sandboxUrl: string | undefined;
  /** Unsubscribes the webhook, closes the page connections and the port, and stops the sandbox it started. */
  stop(): Promise<void>;
};

type Backend = {
  mode: 'sandbox' | 'freshchat';
  freshchat: FreshchatClient;
  control: ControlClient | undefined;
  apiUrl: string;
  sandboxUrl: string | undefined;
  publicKey: string | undefined;
  publicUrl: string | undefined;
  stopSandbox: (() => Promise<void>) | undefined;
};

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

/**
 * Starts the supervisor's live agent-status board: a Hono server with the page, a JSON API for it, server-sent
 * events on `/events`, and a webhook endpoint on `/webhooks/freshchat` that verifies every delivery.
 *
 * By default it starts its own sandbox in-process on 127.0.0.1 (a free port) and subscribes its webhook endpoint
 * there; `sandbox` points it at a running sandbox instead, `freshchat` at a real account.
 *
 * @example
 * const board = await startDemoServer({ port: 0 });
 * console.log(`open ${board.url}`);
 * await board.stop();
 */
export async function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const log = options.log ?? ((line: string) => console.log(line));
  const backend = await connectBackend(options);
  const { freshchat, control, mode } = backend;
  const board = new Board();
  const streams = new Set<SSEStreamingApi>();
  const closers = new Set<() => void>();
  let stopping = false;
  let clockOffsetMs: number | undefined;

  const broadcast = (event: string, data: unknown) => {
    const payload = JSON.stringify(data);
    for (const stream of streams) void stream.writeSSE({ event, data: payload }).catch(() => streams.delete(stream));
  };
  const publish = (change: BoardChange | undefined) => {
    if (!change) return;
    if ('agent' in change) broadcast('agent', change.agent);
    broadcast('log', change.event);
  };
  const exports = new ReportExports({
    freshchat,
    pollIntervalMs: mode === 'sandbox' ? 1_000 : 10_000,
    onChange: (exported: ReportExport) => broadcast('report', exported),
  });

  async function loadStatuses(): Promise<void> {
    if (control) {
      board.setStatuses(sandboxChoices(dataOf(await control.GET('/_mock/statuses')).states));
    } else {
      board.setStatuses(freshchatChoices(dataOf(await freshchat.GET('/agents/status')).states));
    }
  }

  async function loadAgents(): Promise<void> {
    const agents = await listAllAgents(freshchat);
    const since = new Map<string, string>();
    if (control) {
      // The sandbox knows since when each agent is on its status; Freshchat's API does not say.
      await Promise.all(
        agents.map(async (agent) => {
          const { history } = dataOf(
            await control.GET('/_mock/agents/{agent_id}/history', { params: { path: { agent_id: agent.id } } }),
          );
          const last = history.at(-1);
          if (last) since.set(agent.id, last.at);
        }),
      );
    }
    board.setAgents(agents, (agent) => since.get(agent.id));
  }

  async function readClock(): Promise<void> {
    if (!control) return;
    const { now } = dataOf(await control.GET('/_mock/clock'));
    const offset = Date.parse(now) - Date.now();
    const previous = clockOffsetMs;
    clockOffsetMs = offset;
    // The clock follows real time; only a jump (someone advanced it) is news for the page.
    if (previous !== undefined && Math.abs(offset - previous) > 1_000) {
      broadcast('clock', { now });
      exports.clockMoved();
    }
  }

  const snapshot = () => ({
    mode,
    apiUrl: backend.apiUrl,
    sandboxUrl: backend.sandboxUrl ?? null,
    webhooks: webhookInfo(),
    // Read afresh for each snapshot would cost a call; the offset from real time is what the page needs.
    clock: clockOffsetMs === undefined ? null : { now: new Date(Date.now() + clockOffsetMs).toISOString() },
    statuses: board.statuses(),
    agents: board.list(),
    events: board.recentEvents(),
  });

  function webhookInfo() {
    if (mode === 'sandbox') {
      return { live: true, note: 'Subscribed to the sandbox: every delivery is verified before the board changes.' };
    }
    const where = backend.publicUrl ? `${backend.publicUrl.replace(/\/$/, '')}${WEBHOOK_PATH}` : null;
    return {
      live: backend.publicKey !== undefined,
      note:
        backend.publicKey === undefined
          ? `Live updates are off: webhooks need a public URL (set it in Freshchat's webhook settings, pointing at ${where ?? `this server's ${WEBHOOK_PATH}`}, e.g. through a tunnel) and FRESHCHAT_WEBHOOK_PUBLIC_KEY set to the key shown there. Until then the board shows API answers and "Reload".`
          : `Webhooks need a public URL: Freshchat must reach ${where ?? `this server's ${WEBHOOK_PATH} through a public URL (e.g. a tunnel)`}; set it in Freshchat's webhook settings.`,
    };
  }

  await loadStatuses();
  await loadAgents();
  await readClock();

  const app = new Hono();
  app.onError((error, c) => {
    const status = isApiError(error) ? (error.status as ContentfulStatusCode) : 500;
    return c.json({ error: error.message }, status);
  });

  const staticDir = new URL('./public/', import.meta.url);
  for (const [route, file] of Object.entries(STATIC_FILES)) {
    const body = await readFile(new URL(file, staticDir), 'utf8');
    const type = CONTENT_TYPES[file.split('.').pop() ?? ''] ?? 'text/plain';
    app.get(route, (c) => c.body(body, 200, { 'content-type': type, 'cache-control': 'no-store' }));
  }

  app.get('/api/state', (c) => c.json(snapshot()));

  app.get('/events', (c) =>
    streamSSE(c, async (stream) => {
      streams.add(stream);
      await stream.writeSSE({ event: 'snapshot', data: JSON.stringify(snapshot()) });
      await new Promise<void>((resolve) => {
        const ping = setInterval(() => void stream.writeSSE({ event: 'ping', data: '' }).catch(resolve), 15_000);
        const close = () => {
          clearInterval(ping);
          closers.delete(close);
          resolve();
        };
        closers.add(close);
        stream.onAbort(close);
        if (stopping) close();
      });
      streams.delete(stream);
    }),
  );

  app.post(WEBHOOK_PATH, async (c) => {
    if (!backend.publicKey) {
      broadcast('log', board.refused('delivery refused: no public key to verify it (FRESHCHAT_WEBHOOK_PUBLIC_KEY)'));
      return c.json({ error: 'this board has no public key to verify webhooks with' }, 503);
    }
    const received = await receiveWebhook(c.req.raw, { publicKey: backend.publicKey });
    if (!received.ok) {
      broadcast('log', board.refused(`delivery refused (${received.rejection.status}): ${received.rejection.message}`));
      return c.json({ error: received.rejection.message }, received.rejection.status);
    }
    const { event } = received;
    if (event.action !== 'agent_availability') return c.body(null, 204);
    const agentId = event.data.agent_availability.agent_id;
    if (!board.has(agentId)) {
      // An agent created after the board loaded.
      const answer = await freshchat.GET('/agents/{agent_id}', { params: { path: { agent_id: agentId } } });
      if (answer.data) board.addAgent(answer.data);
    }
    publish(board.applyWebhook(event, received.eventId));
    return c.body(null, 204);
  });

  app.post('/api/agents/:id/status', async (c) => {
    const agentId = c.req.param('id');
    const { statusKey } = await jsonBody<{ statusKey?: unknown }>(c.req.raw);
    const body = typeof statusKey === 'string' ? patchBodyFor(statusKey) : undefined;
    if (!body) return c.json({ error: 'statusKey: is not one of the board’s statuses' }, 400);
    const before = board.get(agentId);
    const answer = dataOf(
      await freshchat.PATCH('/agents/{agent_id}', { params: { path: { agent_id: agentId } }, body }),
    );
    const unchanged = before?.statusId === answer.agent_status.id;
    // With webhooks, the board changes when the verified event arrives, not on this answer.
    if (!webhookInfo().live) publish(board.applyPatchAnswer(agentId, answer));
    return c.json({ answer, unchanged, viaWebhook: webhookInfo().live });
  });

  app.post('/api/refresh', async (c) => {
    await loadStatuses();
    await loadAgents();
    await readClock();
    broadcast('snapshot', snapshot());
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
    if (!control) return c.json({ error: 'only available against the sandbox' }, 404);
    await next();
  });

  app.post('/api/sandbox/clock/advance', async (c) => {
    const { seconds } = await jsonBody<{ seconds?: unknown }>(c.req.raw);
    if (typeof seconds !== 'number' || !(seconds > 0) || seconds > 86_400) {
      return c.json({ error: 'seconds: must be a number from 1 to 86400' }, 400);
    }
    const { now } = dataOf(await (control as ControlClient).POST('/_mock/clock/advance', { body: { seconds } }));
    clockOffsetMs = Date.parse(now) - Date.now();
    broadcast('clock', { now });
    exports.clockMoved();
    return c.json({ now });
  });

  let simulations = 0;
  app.post('/api/sandbox/simulate', async (c) => {
    // Each press adds 50 other people: the seed counts the presses.
    simulations++;
    const made = dataOf(
      await (control as ControlClient).POST('/_mock/simulate', {
        body: { agents: SIMULATED_AGENTS, days: SIMULATED_DAYS, seed: simulations },
      }),
    );
    await loadAgents();
    broadcast('snapshot', snapshot());
    return c.json({ ...made, days: SIMULATED_DAYS }, 201);
  });

  app.post('/api/sandbox/statuses', async (c) => {
    const { name, emoji } = await jsonBody<{ name?: unknown; emoji?: unknown }>(c.req.raw);
    if (typeof name !== 'string' || name.trim() === '') return c.json({ error: 'name: is required' }, 400);
    const created = dataOf(
      await (control as ControlClient).POST('/_mock/statuses', {
        body: { name: name.trim(), ...(typeof emoji === 'string' && emoji.trim() !== '' && { emoji: emoji.trim() }) },
      }),
    );
    await statusesChanged();
    return c.json(created, 201);
  });

  app.patch('/api/sandbox/statuses/:id', async (c) => {
    const { name } = await jsonBody<{ name?: unknown }>(c.req.raw);
    if (typeof name !== 'string' || name.trim() === '') return c.json({ error: 'name: is required' }, 400);
    const updated = dataOf(
      await (control as ControlClient).PATCH('/_mock/statuses/{status_id}', {
        params: { path: { status_id: c.req.param('id') } },
        body: { name: name.trim() },
      }),
    );
    await statusesChanged();
    return c.json(updated);
  });

  app.delete('/api/sandbox/statuses/:id', async (c) => {
    const answer = await (control as ControlClient).DELETE('/_mock/statuses/{status_id}', {
      params: { path: { status_id: c.req.param('id') } },
    });
    if (!answer.response.ok) dataOf(answer);
    await statusesChanged();
    return c.body(null, 204);
  });

  async function statusesChanged(): Promise<void> {
    await loadStatuses();
    broadcast('statuses', { statuses: board.statuses(), agents: board.list() });
  }

  const host = options.host ?? '127.0.0.1';
  const { server, address } = await new Promise<{ server: ReturnType<typeof serve>; address: AddressInfo }>(
    (resolve, reject) => {
      const server = serve({ fetch: app.fetch, port: options.port ?? 5173, hostname: host }, (address) =>
        resolve({ server, address }),
      );
      server.once('error', reject);
    },
  );
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${address.port}`;

  let subscriptionId: string | undefined;
  if (control) {
    const subscription = dataOf(await control.POST('/_mock/webhooks', { body: { url: `${url}${WEBHOOK_PATH}` } }));
    subscriptionId = subscription.id;
    log(`subscribed ${url}${WEBHOOK_PATH} to the sandbox's webhooks`);
  }

  const clockPoll = control ? setInterval(() => void readClock().catch(() => {}), CLOCK_POLL_MS).unref() : undefined;

  return {
    url,
    mode,
    sandboxUrl: backend.sandboxUrl,
    async stop() {
      if (stopping) return;
      stopping = true;
      clearInterval(clockPoll);
      exports.stop();
      if (control && subscriptionId) {
        await control
          .DELETE('/_mock/webhooks/{subscription_id}', { params: { path: { subscription_id: subscriptionId } } })
          .catch(() => {});
      }
      for (const close of [...closers]) close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await backend.stopSandbox?.();
    },
  };
}

const CLOCK_POLL_MS = 3_000;
/** What the board's "Fill 30 days for 50 agents" button asks the sandbox to simulate. */
const SIMULATED_AGENTS = 50;
const SIMULATED_DAYS = 30;

async function connectBackend(options: DemoServerOptions): Promise<Backend> {
  if (options.freshchat) {
    const { baseUrl, token, webhookPublicKey, publicUrl } = options.freshchat;
    return {
      mode: 'freshchat',
      freshchat: createFreshchatClient({ baseUrl, token }),
      control: undefined,
      apiUrl: baseUrl,
      sandboxUrl: undefined,
      publicKey: webhookPublicKey,
      publicUrl,
      stopSandbox: undefined,
    };
  }
  let sandboxUrl: string;
  let token: string;
  let stopSandbox: (() => Promise<void>) | undefined;
  if (options.sandbox) {
    sandboxUrl = options.sandbox.url.replace(/\/$/, '');
    token = options.sandbox.token ?? SANDBOX_TOKEN;
  } else {
    // Loaded only here: a board pointed at a real account does not need the mock server installed.
    const { listen } = await import('@freshchat-sandbox/mock-server');
    const sandbox = await listen({ port: 0, host: '127.0.0.1' });
    sandboxUrl = sandbox.url;
    token = SANDBOX_TOKEN;
    stopSandbox = () => sandbox.stop();
  }
  const control = createControlClient({ baseUrl: sandboxUrl, token });
  const publicKey = dataOf(await control.GET('/_mock/webhooks/public-key', { parseAs: 'text' }));
  return {
    mode: 'sandbox',
    freshchat: createFreshchatClient({ baseUrl: `${sandboxUrl}/v2`, token }),
    control,
    apiUrl: `${sandboxUrl}/v2`,
    sandboxUrl,
    publicKey,
    publicUrl: undefined,
    stopSandbox,
  };
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
