import type { Hono } from 'hono';
import { FetchWebhookTransport, type WebhookDeliveryOptions } from './adapters/fetch-webhook-transport.js';
import { VirtualClock } from './domain/clock/virtual-clock.js';
import type { EventStore } from './domain/events/event-sink.js';
import type { IdSource } from './domain/id-source.js';
import { Sandbox } from './domain/sandbox.js';
import type { DeliveryLimits } from './domain/webhooks/delivery-queue.js';
import { WebhookDispatcher } from './domain/webhooks/webhook-dispatcher.js';
import { HttpDate } from './http/answer.js';
import { type AppOptions, createApp } from './http/app.js';
import { allowCrossOrigin } from './http/cors.js';
import { healthHandler } from './http/health-handler.js';
import { InspectorFeed } from './http/inspector-feed.js';
import { inspectorHandlers } from './http/inspector-handlers.js';
import { webhookHandlers } from './http/webhook-handlers.js';
import type { SandboxSettings } from './options.js';
import { VERSION } from './version.js';

/**
 * How a mock server is set up. Every field has a default. The settings it shares with the command line (`seed`,
 * `reportDelaySeconds`, `limits`, `idSeed`, `frozenClock`, `clockStart`, `cors`) are declared in `OPTION_TABLE`.
 */
export type MockServerOptions = Pick<
  SandboxSettings,
  'seed' | 'frozenClock' | 'clockStart' | 'idSeed' | 'reportDelaySeconds' | 'limits' | 'cors' | 'adminToken'
> & {
  /** The virtual clock; a fresh one following real time by default (or as `frozenClock` and `clockStart` say). */
  clock?: VirtualClock | undefined;
  /** Largest request bodies, in bytes. */
  bodyLimits?: AppOptions['bodyLimits'];
  /** How webhooks are delivered (the fetch used, the timeout). */
  webhooks?: WebhookDeliveryOptions | undefined;
  /** Bounds on webhook delivery: attempts under way (64, 4 per subscription), waiting (100,000), kept (1,000 an account). */
  deliveryLimits?: Partial<DeliveryLimits> | undefined;
  /** The secret that signs download links; random by default. */
  linkSecret?: string | undefined;
  /** Where new ids come from, overriding `idSeed`'s (the migration of an old data folder feeds its logged ids). */
  ids?: IdSource | undefined;
  /**
   * Where the events of every change are kept before they are applied, and where an earlier run's are read from
   * (the data folder's log: see `openDurableMockServer`). In memory only by default.
   */
  store?: EventStore | undefined;
  /** For the migration of an old data folder only: see `SandboxOptions.sharedBuiltInIds`. */
  sharedBuiltInIds?: boolean | undefined;
};

/** The sandbox's Hono app, whose `fetch` always answers with a promise, so it fits a client's `fetch` option as is. */
type MockServerApp = { fetch: (...args: Parameters<Hono['fetch']>) => Promise<Response> } & Hono;

/** A running sandbox: the Hono app to serve or call in-process, and the state behind it. */
export type MockServer = {
  /** The Hono app. `app.fetch(request)` answers in-process; serve it with `@hono/node-server` for a port. */
  app: MockServerApp;
  /**
   * Hono's own `fetch`, for a Node server: it answers synchronously whenever the operation does, so
   * @hono/node-server writes the answer without a round of promises. `listen` serves it; in-process, use `app.fetch`.
   */
  dispatch: Hono['fetch'];
  /** The sandbox's state: accounts, seed, reset. */
  state: Sandbox;
  /** The virtual clock every part of the sandbox reads. */
  clock: VirtualClock;
  /** The webhook dispatcher; `await webhooks.idle()` waits for deliveries under way. */
  webhooks: WebhookDispatcher;
  /** The live feed of `/_inspector`; `inspector.closeAll()` ends the pages' open streams. */
  inspector: InspectorFeed;
  /** Ends the inspector's streams and stops the clock's real-time timer so the process can exit. */
  close(): void;
};

/**
 * Creates a sandbox of Freshchat's agent-status API. One instance per test gives full isolation.
 *
 * @example
 * import { createFreshchatClient } from '@freshchat-sandbox/client';
 * const mock = createMockServer({ reportDelaySeconds: 5 });
 * const client = createFreshchatClient({
 *   baseUrl: 'http://sandbox.local/v2',
 *   token: 'sandbox-token',
 *   fetch: (req) => mock.app.fetch(req),
 * });
 * const { data } = await client.GET('/agents/status');
 */
export function createMockServer(options: MockServerOptions = {}): MockServer {
  const started = performance.now();
  const state = new Sandbox({
    seed: options.seed,
    clock: options.clock ?? clockFor(options),
    idSeed: options.idSeed,
    reportDelaySeconds: options.reportDelaySeconds,
    limits: options.limits,
    adminToken: options.adminToken,
    linkSecret: options.linkSecret,
    ids: options.ids,
    sharedBuiltInIds: options.sharedBuiltInIds,
    sink: options.store,
    replay: options.store && ((apply) => options.store?.replay(apply)),
  });
  const webhooks = new WebhookDispatcher(state, new FetchWebhookTransport(options.webhooks), options.deliveryLimits);
  const inspector = new InspectorFeed(state, webhooks);
  const httpDate = new HttpDate(state.clock);
  const app = createApp(state, {
    bodyLimits: options.bodyLimits,
    date: httpDate,
    extraHandlers: {
      ...webhookHandlers(webhooks),
      ...inspectorHandlers(inspector),
      ...healthHandler(VERSION, () => performance.now() - started),
    },
  });
  const honoFetch = options.cors ? allowCrossOrigin(app.fetch) : app.fetch;
  // Every answer's `Date` reads the virtual clock, so it repeats with the rest of the answer. Hono answers
  // synchronously when a handler does; that stays so.
  const dispatch: Hono['fetch'] = (...args) => {
    const answer = honoFetch(...args);
    return answer instanceof Promise ? answer.then((r) => httpDate.stamp(r)) : httpDate.stamp(answer);
  };
  // A promise every time is what a `fetch` option expects.
  app.fetch = async (...args) => dispatch(...args);
  const close = () => {
    inspector.closeAll();
    state.clock.stop();
  };
  return { app: app as MockServerApp, dispatch, state, clock: state.clock, webhooks, inspector, close };
}

/** The clock `frozenClock` and `clockStart` describe. */
function clockFor(options: MockServerOptions): VirtualClock {
  const start = options.clockStart === undefined ? undefined : new Date(options.clockStart);
  if (start && Number.isNaN(start.getTime()))
    throw new RangeError(`clockStart: not a time: ${String(options.clockStart)}`);
  return new VirtualClock(Date.now, start, { frozen: options.frozenClock });
}
